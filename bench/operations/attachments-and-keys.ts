/** Attachment metadata and BYOK key metadata: reads that need no Storage or Vault round trip. */
import { sql } from 'kysely'
import type { OperationSet } from './operation.js'

export const attachmentAndKeyOperations: OperationSet = async ({ db, owner }) => {
  // 60 completed, scanned attachment rows (metadata only: listing never touches Storage); only
  // service_role may record a scan outcome.
  await db.transaction().execute(async (trx) => {
    await sql`set local role service_role`.execute(trx)
    await sql`
    insert into public.file_attachments (user_id, filename, original_filename, file_size, mime_type, file_path, upload_status, virus_scan_status)
    select ${owner.id}::uuid, 'photo-' || g || '.jpg', 'Photo ' || g || '.jpg', 1000 + g, 'image/jpeg',
      ${owner.id}::text || '/bench/photo-' || g || '.jpg', 'completed', 'clean'
    from generate_series(1, 60) g`.execute(trx)
  })
  const first = await sql<{ id: string }>`
    select id from public.file_attachments where user_id = ${owner.id}::uuid order by created_at limit 1`.execute(db)
  const attachmentId = first.rows[0]!.id
  return [
    { name: 'attachments.list (page of 20)', call: (c) => c.attachments.list({ limit: 20 }) },
    { name: 'attachments.get', call: (c) => c.attachments.get(attachmentId) },
    { name: 'attachments.find', call: (c) => c.attachments.find(attachmentId) },
    { name: 'keys.list', call: (c) => c.keys.list() },
  ]
}
