import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestDatabase, createTestUser, type TestDatabase } from '@tripsage/testing'
import { CompiledQuery, sql } from 'kysely'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createTripSage } from '../client.js'
import { fileSystemStorage } from '../storage/file-system-storage.js'

/*
 * purgeStaleUploads claims the oldest rows still uploading or failed. Completed rows pile up
 * (here 6 000 of them beside 30 stale ones): the claim reads the partial index that holds only
 * unfinished rows (migration 20261206110000, decision 0020), not every completed row.
 */

let database: TestDatabase
let dir: string

beforeAll(async () => {
  database = await createTestDatabase()
  dir = await mkdtemp(join(tmpdir(), 'tripsage-purge-plan-'))
  const users = await Promise.all(Array.from({ length: 3 }, () => createTestUser(database.db)))
  const ids = sql.raw(`array[${users.map((u) => `'${u.id}'::uuid`).join(', ')}]`)
  await database.db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx)
    await sql`
      insert into public.file_attachments
        (user_id, filename, original_filename, file_size, mime_type, file_path, upload_status, created_at)
      select u.id, 'f.txt', 'f.txt', 10, 'text/plain', u.id || '/' || i || '.txt',
             case when i % 200 = 0 then 'uploading' else 'completed' end,
             now() - interval '1 day' + make_interval(secs => i)
      from generate_series(1, 6000) i, lateral (select (${ids})[1 + i % 3] as id) u`.execute(trx)
  })
  await sql`analyze public.file_attachments`.execute(database.db)
}, 120_000)

afterAll(async () => {
  await database?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

it('claims stale uploads through the partial index, never scanning completed rows', async () => {
  let claim: CompiledQuery | undefined
  const logged = database.connect({
    log: (event) => {
      if (event.level === 'query' && /^update "file_attachments"/.test(event.query.sql)) claim = event.query
    },
  })
  const storage = fileSystemStorage({
    dir,
    signingSecret: 'purge-plan-test-signing-secret-0123456789',
    baseUrl: 'http://127.0.0.1:1/storage',
  })
  const result = await createTripSage({ db: logged, storage }).service.attachments.purgeStaleUploads({ limit: 10 })
  expect(result).toMatchObject({ removed: 10, failed: 0 })
  expect(claim).toBeDefined()

  const plan = await database.db.executeQuery<{ 'QUERY PLAN': string }>(
    CompiledQuery.raw(`explain ${claim!.sql}`, [...claim!.parameters]),
  )
  const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n')
  expect(text).toMatch(/Index Scan using file_attachments_stale_uploads_idx/)
  expect(text).not.toMatch(/Seq Scan on file_attachments/)
})
