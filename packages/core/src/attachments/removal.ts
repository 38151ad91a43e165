import { toTripSageError } from '../db/database-error.js'
import { ForbiddenError, NotFoundError, TripSageError, UnavailableError } from '../errors.js'
import { parseInput } from '../validation.js'
import type { AttachmentAccess } from './attachment-access.js'
import { retryIdempotent } from './retry.js'
import { AttachmentId } from './schema.js'
import { requireStorage } from './storage-port.js'

/**
 * `me.attachments.remove`: deletes the row in a transaction that commits only after the object is
 * gone (select, delete, storage, `commit`: the one call here that keeps its statements in one
 * transaction). If storage fails nothing changes; if the commit fails after the object went, the
 * row deletion is retried and, failing that, reported (`unavailable`, `details.orphan = 'row'`).
 *
 * @param access - the repository's shared access
 * @param id - the attachment id
 */
export async function removeAttachment(access: AttachmentAccess, id: string): Promise<void> {
  const attachmentId = parseInput(AttachmentId, id, 'attachment id')
  const store = requireStorage(access.ports)
  let objectRemoved = false
  try {
    await access.scope.run(async (trx) => {
      const row = await access.selectVisible(trx, attachmentId)
      if (!row) throw new NotFoundError('Attachment not found')
      const deleted = await trx
        .deleteFrom('file_attachments')
        .where('id', '=', attachmentId)
        .returning(['file_path', 'bucket_name'])
        .executeTakeFirst()
      if (!deleted) throw new ForbiddenError('Only the owner can remove an attachment')
      if (deleted.bucket_name !== store.bucket) {
        throw new TripSageError('internal', 'The attachment is stored in another bucket than the configured storage')
      }
      // Inside the transaction: if storage fails, the row deletion rolls back with it.
      await retryIdempotent(() => store.remove([deleted.file_path]))
      objectRemoved = true
    })
  } catch (error) {
    const failure = toTripSageError(error, 'attachment')
    if (!objectRemoved) throw failure
    // The object is gone but the commit failed: the row must follow, or be reported.
    try {
      await retryIdempotent(() =>
        access.run((trx) => trx.deleteFrom('file_attachments').where('id', '=', attachmentId).execute()),
      )
    } catch {
      throw new UnavailableError('The file was deleted but its attachment row could not be', {
        cause: failure,
        details: { orphan: 'row', attachmentId },
      })
    }
  }
}
