import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type TripSage, type TripSageOptions } from '../client.js'
import type { TripSageDatabase } from '../db/schema.js'
import { UnavailableError } from '../errors.js'
import { faultyDatabase } from '../faults.test-support.js'
import type { BlobStore } from '../storage/blob-store.js'
import { type FileSystemStorage, fileSystemStorage } from '../storage/file-system-storage.js'
import { type FetchServer, serveFetch } from '../storage/http.test-support.js'
import { verifySignedUrl } from '../storage/signed-url.js'
import { samples } from './samples.test-support.js'
import type { AttachmentUpload } from './schema.js'

const signingSecret = 'attachments-test-secret-0123456789abcdef'

let database: TestDatabase
let db: Kysely<TripSageDatabase>
let dir: string
let server: FetchServer
let storage: FileSystemStorage
let tripsage: TripSage
let alice: TestUser // owner
let bob: TestUser // stranger
let carol: TestUser // viewer of alice's trip
let dave: TestUser // editor of alice's trip
let tripId: string
let messageId: string
let bobMessageId: string

/** Makes the SDK over the same database and storage with other options. */
const sdk = (options: Partial<TripSageOptions> = {}) => createTripSage({ db, storage, ...options })

/** What a browser does with the upload target. */
async function put(upload: AttachmentUpload, body: Uint8Array<ArrayBuffer>, headers = upload.upload.headers) {
  const response = await fetch(upload.upload.url, { method: upload.upload.method, body, headers })
  expect(response.status).toBe(200)
}

async function uploadedPdf(me = tripsage.forUser(alice.claims), extra: { tripId?: string } = { tripId }) {
  const up = await me.attachments.createUpload({
    ...extra,
    filename: 'Visa scan.pdf',
    mimeType: 'application/pdf',
    size: samples.pdf.byteLength,
  })
  await put(up, samples.pdf)
  return me.attachments.complete(up.attachment.id)
}

beforeAll(async () => {
  database = await createTestDatabase()
  db = database.db
  dir = await mkdtemp(join(tmpdir(), 'tripsage-attachments-'))
  server = await serveFetch(() => storage.handle)
  storage = fileSystemStorage({ dir, signingSecret, baseUrl: `${server.url}/storage` })
  tripsage = createTripSage({ db, storage })
  ;[alice, bob, carol, dave] = await Promise.all([
    createTestUser(db),
    createTestUser(db),
    createTestUser(db),
    createTestUser(db),
  ])
  const trip = await db
    .insertInto('trips')
    .values({
      user_id: alice.id,
      name: 'Cairo',
      destination: 'Cairo, EG',
      start_date: '2026-10-01',
      end_date: '2026-10-05',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  tripId = trip.id
  await db
    .insertInto('trip_collaborators')
    .values([
      { trip_id: tripId, user_id: carol.id, role: 'viewer' },
      { trip_id: tripId, user_id: dave.id, role: 'editor' },
    ])
    .execute()
  const session = await db
    .insertInto('chat_sessions')
    .values({ user_id: alice.id })
    .returning('id')
    .executeTakeFirstOrThrow()
  const message = await db
    .insertInto('chat_messages')
    .values({ session_id: session.id, user_id: alice.id, role: 'user', content: 'See attached' })
    .returning('id')
    .executeTakeFirstOrThrow()
  messageId = message.id
  const bobSession = await db
    .insertInto('chat_sessions')
    .values({ user_id: bob.id })
    .returning('id')
    .executeTakeFirstOrThrow()
  const bobMessage = await db
    .insertInto('chat_messages')
    .values({ session_id: bobSession.id, user_id: bob.id, role: 'user', content: 'Mine' })
    .returning('id')
    .executeTakeFirstOrThrow()
  bobMessageId = bobMessage.id
})

afterAll(async () => {
  await server?.close()
  await database?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('me.attachments upload flow (filesystem storage, end to end over HTTP)', () => {
  it('createUpload → PUT to the signed target → complete → signedUrl serves the bytes', async () => {
    const me = tripsage.forUser(alice.claims)
    const up = await me.attachments.createUpload({
      tripId,
      filename: 'C:\\fakepath\\Visa scan (1).PDF',
      mimeType: 'Application/PDF; charset=binary',
      size: samples.pdf.byteLength,
    })
    expect(up.attachment).toMatchObject({
      userId: alice.id,
      tripId,
      chatMessageId: null,
      filename: 'Visa_scan_1.pdf',
      originalFilename: 'C:\\fakepath\\Visa scan (1).PDF',
      size: samples.pdf.byteLength,
      mimeType: 'application/pdf',
      bucket: 'attachments',
      path: `${alice.id}/${up.attachment.id}/Visa_scan_1.pdf`,
      uploadStatus: 'uploading',
      virusScanStatus: 'pending',
    })
    expect(up.upload).toMatchObject({
      method: 'PUT',
      path: up.attachment.path,
      headers: { 'content-type': 'application/pdf' },
    })

    await put(up, samples.pdf)
    const done = await me.attachments.complete(up.attachment.id)
    expect(done.uploadStatus).toBe('completed')
    // Idempotent.
    expect((await me.attachments.complete(up.attachment.id)).uploadStatus).toBe('completed')

    const signed = await me.attachments.signedUrl(up.attachment.id, { expiresIn: 60, download: true })
    const response = await fetch(signed.url)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/pdf')
    expect(response.headers.get('content-disposition')).toContain('filename="Visa_scan_1.pdf"')
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(samples.pdf)
  })

  it('complete(id, bytes) stores bytes the server already holds', async () => {
    const me = tripsage.forUser(alice.claims)
    const up = await me.attachments.createUpload({
      filename: 'notes.txt',
      mimeType: 'text/plain',
      size: samples.text.byteLength,
    })
    const done = await me.attachments.complete(up.attachment.id, new Blob([samples.text]))
    expect(done).toMatchObject({ uploadStatus: 'completed', tripId: null })
    expect(await storage.read(done.path, { maxBytes: 1000 })).toEqual(samples.text)
  })

  it("completes as the service under the caller's deadline: every scope it enters sets statement_timeout", async () => {
    // The completion is the one step taken as service_role on the user's behalf; it used to run
    // in a service scope built without the client's call limits (no deadline, no server timeout).
    const sent: { sql: string; parameters: readonly unknown[] }[] = []
    const logged = database.connect({ log: (event) => void (event.level === 'query' && sent.push(event.query)) })
    const me = sdk({ db: logged, deadlineMs: 9_000 }).forUser(alice.claims)
    const up = await me.attachments.createUpload({ filename: 'n.txt', mimeType: 'text/plain', size: 5 })
    sent.length = 0
    await me.attachments.complete(up.attachment.id, new Blob([new TextEncoder().encode('hello')]))
    const text = (q: (typeof sent)[number]) => `${q.sql} ${q.parameters.map(String).join(' ')}`
    const entries = sent.filter((q) => /set_config/.test(q.sql))
    expect(entries.some((q) => text(q).includes('service_role'))).toBe(true)
    for (const entry of entries) expect(text(entry)).toMatch(/statement_timeout/)
  })

  it('rejects a PNG declared as PDF: row marked failed, object deleted, no URL ever', async () => {
    const me = tripsage.forUser(alice.claims)
    const up = await me.attachments.createUpload({
      filename: 'visa.pdf',
      mimeType: 'application/pdf',
      size: samples.png.byteLength,
    })
    await put(up, samples.png) // the signed target only checks the Content-Type header
    await expect(me.attachments.complete(up.attachment.id)).rejects.toMatchObject({
      code: 'validation',
      details: { reason: 'content_mismatch', attachmentId: up.attachment.id },
    })
    expect((await me.attachments.get(up.attachment.id)).uploadStatus).toBe('failed')
    expect(await storage.head(up.attachment.path)).toBeNull()
    await expect(me.attachments.complete(up.attachment.id)).rejects.toMatchObject({ code: 'conflict' })
    await expect(me.attachments.signedUrl(up.attachment.id)).rejects.toMatchObject({ code: 'conflict' })

    // The same check applies to bytes handed to complete().
    const server = await me.attachments.createUpload({
      filename: 'b.pdf',
      mimeType: 'application/pdf',
      size: samples.png.byteLength,
    })
    await expect(me.attachments.complete(server.attachment.id, samples.png)).rejects.toMatchObject({
      details: { reason: 'content_mismatch' },
    })
    expect(await storage.head(server.attachment.path)).toBeNull()
  })

  it('rejects an object whose size or stored Content-Type differs from the declaration', async () => {
    const me = tripsage.forUser(alice.claims)
    const short = await me.attachments.createUpload({ filename: 'a.pdf', mimeType: 'application/pdf', size: 4096 })
    await put(short, samples.pdf)
    await expect(me.attachments.complete(short.attachment.id)).rejects.toMatchObject({
      details: { reason: 'size_mismatch' },
    })
    expect((await me.attachments.get(short.attachment.id)).uploadStatus).toBe('failed')

    // Supabase's signed uploads accept any Content-Type: a client could store text/html.
    const typed = await me.attachments.createUpload({
      filename: 'a.txt',
      mimeType: 'text/plain',
      size: samples.text.byteLength,
    })
    await storage.upload(typed.attachment.path, samples.text, { contentType: 'text/html' })
    await expect(me.attachments.complete(typed.attachment.id)).rejects.toMatchObject({
      details: { reason: 'content_type_mismatch' },
    })
    expect(await storage.head(typed.attachment.path)).toBeNull()

    const wrongBytes = await me.attachments.createUpload({ filename: 'c.txt', mimeType: 'text/plain', size: 10 })
    await expect(me.attachments.complete(wrongBytes.attachment.id, samples.text)).rejects.toMatchObject({
      details: { reason: 'size_mismatch' },
    })
  })

  it('says conflict (not failed) when complete() comes before the upload', async () => {
    const me = tripsage.forUser(alice.claims)
    const up = await me.attachments.createUpload({
      filename: 'late.png',
      mimeType: 'image/png',
      size: samples.png.byteLength,
    })
    await expect(me.attachments.complete(up.attachment.id)).rejects.toMatchObject({
      code: 'conflict',
      details: { reason: 'not_uploaded' },
    })
    expect((await me.attachments.get(up.attachment.id)).uploadStatus).toBe('uploading')
    await put(up, samples.png)
    expect((await me.attachments.complete(up.attachment.id)).uploadStatus).toBe('completed')
  })

  it('the owner cannot skip verification: HTML under an image/png upload never becomes completed nor gets a URL', async () => {
    const me = tripsage.forUser(alice.claims)
    const html = new TextEncoder().encode('<html><script>alert(1)</script></html>')
    const up = await me.attachments.createUpload({
      tripId,
      filename: 'cat.png',
      mimeType: 'image/png',
      size: html.byteLength,
    })
    await put(up, new Uint8Array(html))
    // What a PostgREST PATCH would do, through the SDK's escape hatch.
    await expect(
      me.transaction(({ db: trx }) =>
        trx
          .updateTable('file_attachments')
          .set({ upload_status: 'completed' })
          .where('id', '=', up.attachment.id)
          .execute(),
      ),
    ).rejects.toMatchObject({ code: 'forbidden', details: { sqlState: '42501' } })
    await expect(
      me.transaction(({ db: trx }) =>
        trx
          .updateTable('file_attachments')
          .set({ mime_type: 'text/html' })
          .where('id', '=', up.attachment.id)
          .execute(),
      ),
    ).rejects.toMatchObject({ code: 'forbidden', details: { sqlState: '42501' } })
    expect((await me.attachments.get(up.attachment.id)).uploadStatus).toBe('uploading')
    await expect(tripsage.forUser(carol.claims).attachments.signedUrl(up.attachment.id)).rejects.toMatchObject({
      code: 'conflict',
    })
    // complete() finishes rows in a service transaction of its own: not inside me.transaction.
    await expect(me.transaction((tx) => tx.attachments.complete(up.attachment.id))).rejects.toMatchObject({
      code: 'conflict',
      details: { reason: 'inside_transaction' },
    })
    // The verification path refuses the bytes.
    await expect(me.attachments.complete(up.attachment.id)).rejects.toMatchObject({ code: 'validation' })
    expect((await me.attachments.get(up.attachment.id)).uploadStatus).toBe('failed')
  })

  it('validates type, size and shape before writing anything', async () => {
    const me = tripsage.forUser(alice.claims)
    const count = async () =>
      Number((await sql<{ n: string }>`select count(*) as n from public.file_attachments`.execute(db)).rows[0]?.n)
    const before = await count()
    for (const input of [
      { filename: 'x.html', mimeType: 'text/html', size: 10 },
      { filename: 'x.svg', mimeType: 'image/svg+xml', size: 10 },
      { filename: 'x.pdf', mimeType: 'application/pdf', size: 10 * 1024 * 1024 + 1 },
      { filename: 'x.pdf', mimeType: 'application/pdf', size: 0 },
      { filename: '', mimeType: 'application/pdf', size: 10 },
      { filename: 'x.pdf', mimeType: 'application/pdf', size: 10, userId: bob.id },
      { filename: 'x.pdf', mimeType: 'application/pdf', size: 10, tripId: 'not-a-uuid' },
    ]) {
      await expect(me.attachments.createUpload(input as never)).rejects.toMatchObject({ code: 'validation' })
    }
    const narrow = sdk({ attachments: { allowedMimeTypes: ['image/png'], maxFileSize: 100 } }).forUser(alice.claims)
    await expect(
      narrow.attachments.createUpload({ filename: 'a.pdf', mimeType: 'application/pdf', size: 10 }),
    ).rejects.toMatchObject({
      code: 'validation',
      // The reason is in the message a UI shows, naming what is allowed rather than echoing the input.
      message: 'Invalid attachment upload: this file type is not allowed (allowed: image/png)',
      details: { issues: [{ path: 'mimeType' }] },
    })
    await expect(
      narrow.attachments.createUpload({ filename: 'a.png', mimeType: 'image/png', size: 101 }),
    ).rejects.toMatchObject({
      message: 'Invalid attachment upload: size must be at most 100 bytes',
      details: { issues: [{ path: 'size' }] },
    })
    await expect(me.attachments.createUpload({ filename: '', mimeType: 'application/pdf', size: 10 })).rejects.toThrow(
      'Invalid attachment upload: filename must not be empty',
    )
    expect(await count()).toBe(before)
    expect(() => sdk({ attachments: { maxSignedUrlTtl: 0 } })).toThrow(/attachments options/)
  })
})

describe('signed URL lifetime', () => {
  it('is capped by maxSignedUrlTtl (default 1 h) and the URL stops working after it', async () => {
    const me = tripsage.forUser(alice.claims)
    const file = await uploadedPdf(me)
    await expect(me.attachments.signedUrl(file.id, { expiresIn: 3601 })).rejects.toMatchObject({
      code: 'validation',
      details: { issues: [{ path: 'expiresIn' }] },
    })
    const max = await me.attachments.signedUrl(file.id, { expiresIn: 3600 })
    expect(Date.parse(max.expiresAt) - Date.now()).toBeLessThanOrEqual(3600_000)

    const short = sdk({ attachments: { maxSignedUrlTtl: 120 } }).forUser(alice.claims)
    await expect(short.attachments.signedUrl(file.id, { expiresIn: 121 })).rejects.toMatchObject({ code: 'validation' })
    const byDefault = await short.attachments.signedUrl(file.id)
    expect(Date.parse(byDefault.expiresAt) - Date.now()).toBeLessThanOrEqual(120_000)

    const oneSecond = await me.attachments.signedUrl(file.id, { expiresIn: 1 })
    expect(await verifySignedUrl(oneSecond.url, { signingSecret })).toMatchObject({ valid: true })
    expect(await verifySignedUrl(oneSecond.url, { signingSecret, now: () => Date.now() + 1000 })).toEqual({
      valid: false,
      reason: 'expired',
    })
  })
})

describe('RLS: who sees and signs what', () => {
  it('a stranger can neither read the row nor get a URL, nor attach to what is not theirs', async () => {
    const file = await uploadedPdf()
    const stranger = tripsage.forUser(bob.claims)
    await expect(stranger.attachments.get(file.id)).rejects.toMatchObject({ code: 'not_found' })
    expect(await stranger.attachments.find(file.id)).toBeNull()
    expect((await stranger.attachments.list({ tripId })).items).toEqual([])
    await expect(stranger.attachments.signedUrl(file.id)).rejects.toMatchObject({ code: 'not_found' })
    await expect(stranger.attachments.complete(file.id)).rejects.toMatchObject({ code: 'not_found' })
    await expect(stranger.attachments.remove(file.id)).rejects.toMatchObject({ code: 'not_found' })
    await expect(
      stranger.attachments.createUpload({ tripId, filename: 'x.pdf', mimeType: 'application/pdf', size: 10 }),
    ).rejects.toMatchObject({ code: 'not_found' })
    await expect(
      stranger.attachments.createUpload({
        chatMessageId: messageId,
        filename: 'x.pdf',
        mimeType: 'application/pdf',
        size: 10,
      }),
    ).rejects.toMatchObject({ code: 'not_found' })
    expect((await tripsage.forUser(alice.claims).attachments.get(file.id)).uploadStatus).toBe('completed')
  })

  it('trip collaborators read and sign; viewers cannot add, only the owner removes', async () => {
    const file = await uploadedPdf()
    const viewer = tripsage.forUser(carol.claims)
    expect((await viewer.attachments.get(file.id)).id).toBe(file.id)
    expect((await viewer.attachments.list({ tripId })).items.map((a) => a.id)).toContain(file.id)
    const url = await viewer.attachments.signedUrl(file.id)
    expect((await fetch(url.url)).status).toBe(200)
    await expect(viewer.attachments.remove(file.id)).rejects.toMatchObject({ code: 'forbidden' })
    await expect(viewer.attachments.complete(file.id)).rejects.toMatchObject({ code: 'forbidden' })
    await expect(
      viewer.attachments.createUpload({ tripId, filename: 'x.pdf', mimeType: 'application/pdf', size: 10 }),
    ).rejects.toMatchObject({ code: 'forbidden' })

    const editor = tripsage.forUser(dave.claims)
    const own = await uploadedPdf(editor)
    expect(own).toMatchObject({ userId: dave.id, tripId, path: expect.stringMatching(new RegExp(`^${dave.id}/`)) })
    expect((await tripsage.forUser(alice.claims).attachments.list({ tripId })).items.map((a) => a.id)).toContain(own.id)
  })

  it('attaches to the user’s own chat messages only', async () => {
    const me = tripsage.forUser(alice.claims)
    const onMessage = await uploadedPdf(me, {})
    expect(onMessage.chatMessageId).toBeNull()
    await expect(
      me.attachments.createUpload({
        chatMessageId: bobMessageId,
        filename: 'x.pdf',
        mimeType: 'application/pdf',
        size: 10,
      }),
    ).rejects.toMatchObject({ code: 'not_found' })
  })
})

describe('virus scan', () => {
  it('infected files never get a signed URL; users cannot set the outcome', async () => {
    const file = await uploadedPdf()
    const me = tripsage.forUser(alice.claims)
    const flagged = await tripsage.service.attachments.setScanResult(file.id, {
      status: 'infected',
      result: { engine: 'clamav', signature: 'Eicar-Test-Signature' },
    })
    expect(flagged.virusScanStatus).toBe('infected')
    await expect(me.attachments.signedUrl(file.id)).rejects.toMatchObject({ code: 'forbidden' })
    await expect(tripsage.forUser(carol.claims).attachments.signedUrl(file.id)).rejects.toMatchObject({
      code: 'forbidden',
    })

    await expect(
      me.transaction(({ db: trx }) =>
        trx.updateTable('file_attachments').set({ virus_scan_status: 'clean' }).where('id', '=', file.id).execute(),
      ),
    ).rejects.toMatchObject({ code: 'forbidden', details: { sqlState: '42501' } })

    await tripsage.service.attachments.setScanResult(file.id, { status: 'clean' })
    await expect(me.attachments.signedUrl(file.id)).resolves.toMatchObject({ url: expect.any(String) })
    await expect(
      tripsage.service.attachments.setScanResult(file.id, { status: 'bogus' as never }),
    ).rejects.toMatchObject({
      code: 'validation',
    })
    await expect(
      tripsage.service.attachments.setScanResult(crypto.randomUUID(), { status: 'clean' }),
    ).rejects.toMatchObject({ code: 'not_found' })
  })

  it('requireCleanScan refuses URLs until the file is clean', async () => {
    const file = await uploadedPdf()
    const strict = sdk({ attachments: { requireCleanScan: true } })
    await expect(strict.forUser(alice.claims).attachments.signedUrl(file.id)).rejects.toMatchObject({
      code: 'conflict',
    })
    await strict.service.attachments.setScanResult(file.id, { status: 'clean' })
    await expect(strict.forUser(alice.claims).attachments.signedUrl(file.id)).resolves.toBeDefined()
  })
})

describe('list', () => {
  it('pages a chat message’s attachments newest first with keyset cursors', async () => {
    const me = tripsage.forUser(alice.claims)
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      const up = await me.attachments.createUpload({
        chatMessageId: messageId,
        filename: `page-${i}.txt`,
        mimeType: 'text/plain',
        size: 3,
      })
      ids.push(up.attachment.id)
    }
    const seen: string[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const page = await me.attachments.list({ chatMessageId: messageId, limit: 2, ...(cursor ? { cursor } : {}) })
      seen.push(...page.items.map((a) => a.id))
      cursor = page.nextCursor ?? undefined
      pages++
    } while (cursor)
    expect(pages).toBe(3)
    expect(seen).toEqual([...ids].reverse())

    const mine = await me.attachments.list({ limit: 100 })
    expect(mine.items.every((a) => a.userId === alice.id)).toBe(true)
    await expect(me.attachments.list({ cursor: 'garbage' })).rejects.toMatchObject({ code: 'validation' })
    await expect(me.attachments.list({ tripId, chatMessageId: messageId })).rejects.toMatchObject({
      code: 'validation',
    })
  })
})

describe('remove: object and row go together', () => {
  it('deletes both; a second remove is not_found', async () => {
    const me = tripsage.forUser(alice.claims)
    const file = await uploadedPdf(me)
    await me.attachments.remove(file.id)
    expect(await me.attachments.find(file.id)).toBeNull()
    expect(await storage.head(file.path)).toBeNull()
    await expect(me.attachments.remove(file.id)).rejects.toMatchObject({ code: 'not_found' })
  })

  it('keeps the row when storage fails (after retries), and removes both once it recovers', async () => {
    let failures = 0
    const flaky: BlobStore = {
      ...storage,
      remove: async () => {
        failures++
        throw new UnavailableError('Storage is unavailable')
      },
    }
    const file = await uploadedPdf()
    const me = sdk({ storage: flaky }).forUser(alice.claims)
    await expect(me.attachments.remove(file.id)).rejects.toMatchObject({ code: 'unavailable' })
    expect(failures).toBe(3)
    expect((await me.attachments.get(file.id)).id).toBe(file.id)
    expect(await storage.head(file.path)).not.toBeNull()

    await tripsage.forUser(alice.claims).attachments.remove(file.id)
    expect(await storage.head(file.path)).toBeNull()
  })

  it('retries the row deletion when the commit is lost after the object was deleted', async () => {
    const file = await uploadedPdf()
    let lose = 1
    const faulty = faultyDatabase(database.dialect(), {
      commit: () => (lose-- > 0 ? new Error('Connection terminated unexpectedly') : undefined),
    })
    await createTripSage({ db: faulty, storage }).forUser(alice.claims).attachments.remove(file.id)
    expect(await storage.head(file.path)).toBeNull()
    expect(await tripsage.forUser(alice.claims).attachments.find(file.id)).toBeNull()
  })

  it('reports the orphaned row when the row cannot be deleted at all', async () => {
    const file = await uploadedPdf()
    let objectGone = false
    const watching: BlobStore = {
      ...storage,
      remove: async (paths) => {
        await storage.remove(paths)
        objectGone = true
      },
    }
    const faulty = faultyDatabase(database.dialect(), {
      commit: () => (objectGone ? new Error('Connection terminated unexpectedly') : undefined),
    })
    const failure = await createTripSage({ db: faulty, storage: watching })
      .forUser(alice.claims)
      .attachments.remove(file.id)
      .catch((error: unknown) => error)
    expect(failure).toMatchObject({ code: 'unavailable', details: { orphan: 'row', attachmentId: file.id } })
    // Reported, and recoverable: the next remove() finishes the job.
    expect((await tripsage.forUser(alice.claims).attachments.get(file.id)).id).toBe(file.id)
    await tripsage.forUser(alice.claims).attachments.remove(file.id)
    expect(await tripsage.forUser(alice.claims).attachments.find(file.id)).toBeNull()
  })

  it('createUpload drops its row when no upload target can be signed', async () => {
    const broken: BlobStore = {
      ...storage,
      createSignedUploadUrl: async () => {
        throw new UnavailableError('Storage is unavailable')
      },
    }
    const me = sdk({ storage: broken }).forUser(alice.claims)
    const before = (await me.attachments.list({ limit: 100 })).items.length
    await expect(
      me.attachments.createUpload({ filename: 'x.pdf', mimeType: 'application/pdf', size: 10 }),
    ).rejects.toMatchObject({ code: 'unavailable' })
    expect((await me.attachments.list({ limit: 100 })).items.length).toBe(before)
  })
})

describe('tripsage.service.attachments', () => {
  it('purges stale uploads with their objects and leaves completed ones', async () => {
    const me = tripsage.forUser(alice.claims)
    const stale = await me.attachments.createUpload({
      filename: 's.png',
      mimeType: 'image/png',
      size: samples.png.byteLength,
    })
    await put(stale, samples.png) // uploaded but never completed
    const done = await uploadedPdf(me)
    await sql`update public.file_attachments set created_at = now() - interval '4 hours'
              where id in (${stale.attachment.id}, ${done.id})`.execute(db)

    const result = await tripsage.service.attachments.purgeStaleUploads({ limit: 1000 })
    expect(result.removed).toBeGreaterThanOrEqual(1)
    expect(result.failed).toBe(0)
    expect(await me.attachments.find(stale.attachment.id)).toBeNull()
    expect(await storage.head(stale.attachment.path)).toBeNull()
    expect((await me.attachments.get(done.id)).uploadStatus).toBe('completed')
    expect(await storage.head(done.path)).not.toBeNull()
  })

  it('reads any attachment by id', async () => {
    const file = await uploadedPdf()
    expect((await tripsage.service.attachments.get(file.id)).userId).toBe(alice.id)
    await expect(tripsage.service.attachments.get(crypto.randomUUID())).rejects.toMatchObject({ code: 'not_found' })
  })
})

describe('without storage', () => {
  it('lists metadata but refuses object operations with a setup hint', async () => {
    const bare = createTripSage({ db }).forUser(alice.claims)
    expect((await bare.attachments.list()).items.length).toBeGreaterThan(0)
    await expect(
      bare.attachments.createUpload({ filename: 'x.pdf', mimeType: 'application/pdf', size: 10 }),
    ).rejects.toMatchObject({ code: 'internal', message: expect.stringMatching(/No storage configured/) })
  })

  it('is available inside me.transaction', async () => {
    const found = await tripsage
      .forUser(alice.claims)
      .transaction(async (tx) => (await tx.attachments.list({ limit: 1 })).items.length)
    expect(found).toBe(1)
  })
})
