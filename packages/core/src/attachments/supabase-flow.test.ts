import { createClient } from '@supabase/supabase-js'
import {
  createTestDatabase,
  createTestUser,
  databaseStoragePolicies,
  type StorageApiServer,
  startStorageApiServer,
  type TestDatabase,
  type TestUser,
} from '@tripsage/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type TripSage } from '../client.js'
import { supabaseStorage } from '../storage/supabase-storage.js'
import { samples } from './samples.test-support.js'

// The production shape: the SDK with a service-role supabase-js client, a browser with an anon
// client uploading to the signed target — against a loopback Supabase Storage API.
const clientOptions = { auth: { persistSession: false, autoRefreshToken: false } } as const

let database: TestDatabase
let storageApi: StorageApiServer
let tripsage: TripSage
let alice: TestUser
let bob: TestUser

beforeAll(async () => {
  database = await createTestDatabase()
  storageApi = await startStorageApiServer()
  const server = createClient(storageApi.url, storageApi.serviceRoleKey, clientOptions)
  tripsage = createTripSage({ db: database.db, storage: supabaseStorage(server) })
  alice = await createTestUser(database.db)
  bob = await createTestUser(database.db)
})

afterAll(async () => {
  await storageApi?.stop()
  await database?.close()
})

describe('attachments on Supabase Storage (real supabase-js, loopback Storage API)', () => {
  it('runs the whole flow: createUpload → uploadToSignedUrl → complete → signedUrl → remove', async () => {
    const me = tripsage.forUser(alice.claims)
    const up = await me.attachments.createUpload({
      filename: 'boarding pass.pdf',
      mimeType: 'application/pdf',
      size: samples.pdf.byteLength,
    })
    expect(storageApi.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: `/storage/v1/object/upload/sign/attachments/${alice.id}/${up.attachment.id}/boarding_pass.pdf`,
    })

    const browser = createClient(storageApi.url, storageApi.anonKey, clientOptions)
    const { error } = await browser.storage
      .from(up.upload.bucket)
      .uploadToSignedUrl(up.upload.path, up.upload.token, samples.pdf, {
        contentType: up.upload.headers['content-type'],
      })
    expect(error).toBeNull()

    const done = await me.attachments.complete(up.attachment.id)
    expect(done.uploadStatus).toBe('completed')
    const checks = storageApi.requests.slice(-2).map((r) => `${r.method} ${r.path}`)
    expect(checks).toEqual([
      `GET /storage/v1/object/info/attachments/${up.attachment.path}`,
      `GET /storage/v1/object/attachments/${up.attachment.path}`,
    ])

    const signed = await me.attachments.signedUrl(up.attachment.id, { expiresIn: 300 })
    expect(JSON.parse(storageApi.requests.at(-1)!.body.toString())).toEqual({ expiresIn: 300 })
    const response = await fetch(signed.url)
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(samples.pdf)

    await expect(tripsage.forUser(bob.claims).attachments.signedUrl(up.attachment.id)).rejects.toMatchObject({
      code: 'not_found',
    })

    await me.attachments.remove(up.attachment.id)
    expect(storageApi.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/storage/v1/object/attachments' })
    expect(storageApi.objects.has(`attachments/${up.attachment.path}`)).toBe(false)
    expect(await me.attachments.find(up.attachment.id)).toBeNull()
  })

  it('rejects a PNG declared as PDF after a browser upload (Supabase trusts the declared type)', async () => {
    const me = tripsage.forUser(alice.claims)
    const up = await me.attachments.createUpload({
      filename: 'visa.pdf',
      mimeType: 'application/pdf',
      size: samples.png.byteLength,
    })
    const browser = createClient(storageApi.url, storageApi.anonKey, clientOptions)
    await browser.storage
      .from(up.upload.bucket)
      .uploadToSignedUrl(up.upload.path, up.upload.token, samples.png, { contentType: 'application/pdf' })
    expect(storageApi.objects.has(`attachments/${up.attachment.path}`)).toBe(true)

    await expect(me.attachments.complete(up.attachment.id)).rejects.toMatchObject({
      code: 'validation',
      details: { reason: 'content_mismatch' },
    })
    expect((await me.attachments.get(up.attachment.id)).uploadStatus).toBe('failed')
    expect(storageApi.objects.has(`attachments/${up.attachment.path}`)).toBe(false)
  })
})

describe('a completed object is immutable for its owner (Storage asking the database policies)', () => {
  it("refuses the owner's overwrite with their own token once complete() verified it; signed URLs keep serving the verified bytes", async () => {
    const api = await startStorageApiServer({ policies: databaseStoragePolicies(database.db) })
    try {
      const server = createClient(api.url, api.serviceRoleKey, clientOptions)
      const sdk = createTripSage({ db: database.db, storage: supabaseStorage(server) })
      const me = sdk.forUser(alice.claims)
      const up = await me.attachments.createUpload({
        filename: 'photo.png',
        mimeType: 'image/png',
        size: samples.png.byteLength,
      })
      // The owner's browser, with the owner's own access token (not the signed target).
      const owner = createClient(api.url, api.anonKey, {
        ...clientOptions,
        global: { headers: { Authorization: `Bearer ${api.signJwt({ sub: alice.id, role: 'authenticated' })}` } },
      })
      const upload = (bytes: Uint8Array) =>
        owner.storage.from('attachments').upload(up.attachment.path, bytes, { contentType: 'image/png', upsert: true })
      expect((await upload(samples.png)).error).toBeNull() // allowed while the upload is in progress
      await me.attachments.complete(up.attachment.id)

      const html = new TextEncoder().encode('<html><script>alert(1)</script></html>')
      const { error } = await upload(html)
      expect(error).toMatchObject({ message: expect.stringMatching(/row-level security/) })
      const signed = await me.attachments.signedUrl(up.attachment.id)
      expect(new Uint8Array(await (await fetch(signed.url)).arrayBuffer())).toEqual(samples.png)
      // Another user cannot write there either; the service (complete() with bytes) still can.
      const stranger = createClient(api.url, api.anonKey, {
        ...clientOptions,
        global: { headers: { Authorization: `Bearer ${api.signJwt({ sub: bob.id, role: 'authenticated' })}` } },
      })
      const theirs = await stranger.storage
        .from('attachments')
        .upload(up.attachment.path, html, { contentType: 'image/png', upsert: true })
      expect(theirs.error).not.toBeNull()
    } finally {
      await api.stop()
    }
  })
})
