import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '@supabase/supabase-js'
import {
  createTestDatabase,
  createTestUser,
  type StorageApiServer,
  startStorageApiServer,
  type TestDatabase,
  type TestUser,
} from '@tripsage/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type TripSage } from '../client.js'
import { faultyDatabase } from '../faults.test-support.js'
import type { BlobStore } from '../storage/blob-store.js'
import { fileSystemStorage } from '../storage/file-system-storage.js'
import { supabaseStorage } from '../storage/supabase-storage.js'
import { samples } from './samples.test-support.js'

// Security review, finding 4: deleting a trip, a chat message or a user leaves no Storage object
// behind. A trigger queues the objects of deleted attachment rows; the service job deletes them
// through the Storage port, at least once, so a crash at any point loses no deletion.

interface Backend {
  store: BlobStore
  close(): Promise<void>
}

const backends: [string, () => Promise<Backend>][] = [
  [
    'fileSystemStorage',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tripsage-deletions-'))
      const store = fileSystemStorage({
        dir,
        signingSecret: 'queued-deletions-test-secret-0123456789',
        baseUrl: 'http://127.0.0.1:9/storage',
      })
      return { store, close: () => rm(dir, { recursive: true, force: true }) }
    },
  ],
  [
    'Supabase Storage (loopback stand-in)',
    async () => {
      const api: StorageApiServer = await startStorageApiServer()
      const client = createClient(api.url, api.serviceRoleKey, { auth: { persistSession: false } })
      return { store: supabaseStorage(client), close: () => api.stop() }
    },
  ],
]

describe.each(backends)('queued object deletion on %s', (_name, open) => {
  let database: TestDatabase
  let backend: Backend
  let tripsage: TripSage

  beforeAll(async () => {
    database = await createTestDatabase()
    backend = await open()
    tripsage = createTripSage({ db: database.db, storage: backend.store })
  })

  afterAll(async () => {
    await backend?.close()
    await database?.close()
  })

  async function newTrip(owner: TestUser): Promise<string> {
    return (
      await tripsage.forUser(owner.claims).trips.create({
        name: 'Fez',
        destination: 'Fez, MA',
        startDate: '2027-03-01',
        endDate: '2027-03-04',
      })
    ).id
  }

  /** A completed attachment (object stored and verified). */
  async function attachment(owner: TestUser, where: { tripId?: string; chatMessageId?: string }): Promise<string> {
    const me = tripsage.forUser(owner.claims)
    const up = await me.attachments.createUpload({
      ...where,
      filename: 'ticket.pdf',
      mimeType: 'application/pdf',
      size: samples.pdf.byteLength,
    })
    const done = await me.attachments.complete(up.attachment.id, samples.pdf)
    expect(done.uploadStatus).toBe('completed')
    return up.upload.path
  }

  async function exists(path: string): Promise<boolean> {
    return (await backend.store.head(path)) !== null
  }

  async function queued(): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from private.storage_deletions`.execute(
      database.db,
    )
    return rows[0]?.n ?? 0
  }

  async function drain() {
    return tripsage.service.attachments.deleteQueuedObjects()
  }

  it('deleting a trip deletes its objects', async () => {
    const owner = await createTestUser(database.db)
    const tripId = await newTrip(owner)
    const paths = [await attachment(owner, { tripId }), await attachment(owner, { tripId })]
    const kept = await attachment(owner, {})
    await tripsage.forUser(owner.claims).trips.delete(tripId)
    expect(await Promise.all(paths.map(exists))).toEqual([true, true]) // until the job runs
    expect(await drain()).toEqual({ deleted: 2, failed: 0 })
    expect(await Promise.all(paths.map(exists))).toEqual([false, false])
    expect(await exists(kept)).toBe(true)
    expect(await queued()).toBe(0)
  })

  it('deleting a chat message deletes its objects', async () => {
    const owner = await createTestUser(database.db)
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create()
    const [message] = await me.chat.messages.append(session.id, [{ role: 'user', content: 'see attached' }])
    const path = await attachment(owner, { chatMessageId: message?.id as string })
    await database.db
      .deleteFrom('chat_messages')
      .where('id', '=', message?.id as string)
      .execute()
    expect(await drain()).toEqual({ deleted: 1, failed: 0 })
    expect(await exists(path)).toBe(false)
  })

  it('deleting a user deletes every object of theirs', async () => {
    const owner = await createTestUser(database.db)
    const tripId = await newTrip(owner)
    const session = await tripsage.forUser(owner.claims).chat.sessions.create({ tripId })
    const [message] = await tripsage
      .forUser(owner.claims)
      .chat.messages.append(session.id, [{ role: 'user', content: 'see attached' }])
    const paths = [
      await attachment(owner, { tripId }),
      await attachment(owner, { chatMessageId: message?.id as string }),
      await attachment(owner, {}),
    ]
    await database.db
      .deleteFrom('auth.users' as never)
      .where('id' as never, '=', owner.id as never)
      .execute()
    expect(await drain()).toEqual({ deleted: 3, failed: 0 })
    expect(await Promise.all(paths.map(exists))).toEqual([false, false, false])
    expect(await queued()).toBe(0)
  })

  it("the owner's remove() also leaves nothing queued after the job, and a second run deletes nothing", async () => {
    const owner = await createTestUser(database.db)
    const me = tripsage.forUser(owner.claims)
    const up = await me.attachments.createUpload({
      filename: 'a.pdf',
      mimeType: 'application/pdf',
      size: samples.pdf.byteLength,
    })
    await me.attachments.complete(up.attachment.id, samples.pdf)
    await me.attachments.remove(up.attachment.id)
    expect(await drain()).toEqual({ deleted: 1, failed: 0 }) // already gone: deleting it again is a no-op
    expect(await drain()).toEqual({ deleted: 0, failed: 0 })
    expect(await exists(up.upload.path)).toBe(false)
  })

  /** The SDK over the same database, dying (every query fails) once `killed()` has been called. */
  function mortalSdk(store: BlobStore) {
    let dead = false
    const db = faultyDatabase(database.dialect(), {
      query: () => (dead ? Object.assign(new Error('Connection terminated'), { code: 'ECONNRESET' }) : undefined),
    })
    return { tripsage: createTripSage({ db, storage: store }), kill: () => (dead = true) }
  }

  /** Time passing for leases and backoffs, without waiting. */
  async function later() {
    await sql`update private.storage_deletions set locked_until = now() - interval '1 second', available_at = now()`.execute(
      database.db,
    )
  }

  it('a job that dies after leasing, before Storage answers, loses no deletion', async () => {
    const owner = await createTestUser(database.db)
    const tripId = await newTrip(owner)
    const paths = [await attachment(owner, { tripId }), await attachment(owner, { tripId })]
    await tripsage.forUser(owner.claims).trips.delete(tripId)
    const store = backend.store
    const mortal = mortalSdk({
      ...store,
      bucket: store.bucket,
      remove: async () => {
        mortal.kill()
        throw new Error('process killed')
      },
    })
    expect(await mortal.tripsage.service.attachments.deleteQueuedObjects()).toEqual({ deleted: 0, failed: 2 })
    expect(await Promise.all(paths.map(exists))).toEqual([true, true])
    expect(await drain()).toEqual({ deleted: 0, failed: 0 }) // still leased by the dead run
    await later()
    expect(await drain()).toEqual({ deleted: 2, failed: 0 })
    expect(await Promise.all(paths.map(exists))).toEqual([false, false])
    expect(await queued()).toBe(0)
  })

  it('a job that dies after Storage deleted the objects, before the queue rows go, loses no deletion', async () => {
    const owner = await createTestUser(database.db)
    const tripId = await newTrip(owner)
    const paths = [await attachment(owner, { tripId }), await attachment(owner, { tripId })]
    await tripsage.forUser(owner.claims).trips.delete(tripId)
    const store = backend.store
    const mortal = mortalSdk({
      ...store,
      bucket: store.bucket,
      remove: async (p) => {
        await store.remove(p)
        mortal.kill()
      },
    })
    await expect(mortal.tripsage.service.attachments.deleteQueuedObjects()).rejects.toMatchObject({
      code: 'unavailable',
    })
    expect(await Promise.all(paths.map(exists))).toEqual([false, false])
    expect(await queued()).toBe(2)
    await later()
    expect(await drain()).toEqual({ deleted: 2, failed: 0 })
    expect(await queued()).toBe(0)
  })

  it('a Storage outage comes back later with a backoff and an error code', async () => {
    const owner = await createTestUser(database.db)
    const tripId = await newTrip(owner)
    const path = await attachment(owner, { tripId })
    await tripsage.forUser(owner.claims).trips.delete(tripId)
    const down = createTripSage({
      db: database.db,
      storage: {
        ...backend.store,
        bucket: backend.store.bucket,
        remove: async () => {
          throw new Error('storage down')
        },
      },
    })
    expect(await down.service.attachments.deleteQueuedObjects()).toEqual({ deleted: 0, failed: 1 })
    const { rows } = await sql<{ last_error: string; later: boolean }>`
      select last_error, available_at > now() as later from private.storage_deletions`.execute(database.db)
    expect(rows).toEqual([{ last_error: 'remove_failed', later: true }])
    expect(await drain()).toEqual({ deleted: 0, failed: 0 }) // not due yet
    await later()
    expect(await drain()).toEqual({ deleted: 1, failed: 0 })
    expect(await exists(path)).toBe(false)
  })
})
