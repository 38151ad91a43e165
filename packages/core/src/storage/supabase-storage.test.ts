import { createClient } from '@supabase/supabase-js'
import { type StorageApiServer, startStorageApiServer } from '@tripsage/testing'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { samples } from '../attachments/samples.test-support.js'
import type { BlobStore } from './blob-store.js'
import { supabaseStorage } from './supabase-storage.js'

const alice = '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b'
const bob = '7a2d3b8f-4c5e-4f60-9bac-1d2e3f4a5b6c'
const attachmentId = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'
const key = (name: string, owner = alice) => `${owner}/${attachmentId}/${name}`

let storageApi: StorageApiServer
let storage: BlobStore

const clientOptions = { auth: { persistSession: false, autoRefreshToken: false } } as const

beforeAll(async () => {
  storageApi = await startStorageApiServer()
  // The real supabase-js client, as a server would create it with its service-role key.
  storage = supabaseStorage(createClient(storageApi.url, storageApi.serviceRoleKey, clientOptions))
})
afterAll(() => storageApi.stop())
beforeEach(() => {
  storageApi.requests.length = 0
})

const last = () => storageApi.requests.at(-1)!

describe('supabaseStorage over the real supabase-js client', () => {
  it('uploads with POST /object/{bucket}/{path}, the declared Content-Type, x-upsert and the service key', async () => {
    await storage.upload(key('visa.pdf'), samples.pdf, { contentType: 'application/pdf' })
    const request = last()
    expect(request.method).toBe('POST')
    expect(request.path).toBe(`/storage/v1/object/attachments/${key('visa.pdf')}`)
    expect(request.headers['content-type']).toBe('application/pdf')
    expect(request.headers['x-upsert']).toBe('false')
    expect(request.headers.apikey).toBe(storageApi.serviceRoleKey)
    expect(request.headers.authorization).toBe(`Bearer ${storageApi.serviceRoleKey}`)
    expect(request.headers['x-client-info']).toMatch(/^supabase-js/)
    expect(request.body.equals(Buffer.from(samples.pdf))).toBe(true)
    expect(storageApi.objects.get(`attachments/${key('visa.pdf')}`)?.contentType).toBe('application/pdf')

    await expect(
      storage.upload(key('visa.pdf'), samples.pdf, { contentType: 'application/pdf' }),
    ).rejects.toMatchObject({
      code: 'conflict',
      details: { storage: { statusCode: '409', code: 'ResourceAlreadyExists' } },
    })
    await storage.upload(key('visa.pdf'), samples.pdf, { contentType: 'application/pdf', upsert: true })
    expect(last().headers['x-upsert']).toBe('true')
  })

  it('reads object info with GET /object/info/{bucket}/{path}; a missing object is null', async () => {
    expect(await storage.head(key('visa.pdf'))).toMatchObject({
      size: samples.pdf.byteLength,
      contentType: 'application/pdf',
      etag: expect.any(String),
      lastModified: expect.any(String),
    })
    expect(last()).toMatchObject({ method: 'GET', path: `/storage/v1/object/info/attachments/${key('visa.pdf')}` })
    expect(await storage.head(key('missing.pdf'))).toBeNull()
  })

  it('reads the leading bytes with GET /object/{bucket}/{path}', async () => {
    expect(await storage.read(key('visa.pdf'), { maxBytes: 5 })).toEqual(new TextEncoder().encode('%PDF-'))
    expect(last()).toMatchObject({ method: 'GET', path: `/storage/v1/object/attachments/${key('visa.pdf')}` })
    expect(await storage.read(key('missing.pdf'), { maxBytes: 5 })).toBeNull()
  })

  it('signs a download URL with POST /object/sign/{bucket}/{path} { expiresIn }; the URL serves the object', async () => {
    const signed = await storage.createSignedUrl(key('visa.pdf'), { expiresIn: 120, download: 'visa.pdf' })
    const request = last()
    expect(request).toMatchObject({ method: 'POST', path: `/storage/v1/object/sign/attachments/${key('visa.pdf')}` })
    expect(JSON.parse(request.body.toString())).toEqual({ expiresIn: 120 })
    expect(request.headers['content-type']).toBe('application/json')
    expect(signed.url).toMatch(
      new RegExp(
        `^${storageApi.url}/storage/v1/object/sign/attachments/${key('visa.pdf')}\\?token=[^&]+&download=visa.pdf$`,
      ),
    )
    expect(Date.parse(signed.expiresAt) - Date.now()).toBeLessThanOrEqual(120_000)

    const response = await fetch(signed.url)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-disposition')).toContain('attachment')
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(samples.pdf)

    await expect(storage.createSignedUrl(key('missing.pdf'), { expiresIn: 60 })).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('signs an upload target with POST /object/upload/sign/{bucket}/{path}; supabase-js uploads to it', async () => {
    const target = await storage.createSignedUploadUrl(key('photo.png'), { contentType: 'image/png' })
    const request = last()
    expect(request).toMatchObject({
      method: 'POST',
      path: `/storage/v1/object/upload/sign/attachments/${key('photo.png')}`,
    })
    expect(request.headers['x-upsert']).toBeUndefined()
    expect(target).toMatchObject({ method: 'PUT', bucket: 'attachments', path: key('photo.png') })
    expect(target.url).toBe(
      `${storageApi.url}/storage/v1/object/upload/sign/attachments/${key('photo.png')}?token=${target.token}`,
    )
    // Supabase's signed upload token is a JWT: its exp becomes expiresAt (2 h by default).
    expect(Math.round((Date.parse(target.expiresAt) - Date.now()) / 60_000)).toBe(120)

    // The browser side: an anon client holding only the path and token.
    const browser = createClient(storageApi.url, storageApi.anonKey, clientOptions)
    const { error } = await browser.storage
      .from(target.bucket)
      .uploadToSignedUrl(target.path, target.token, samples.png, { contentType: 'image/png' })
    expect(error).toBeNull()
    expect(last()).toMatchObject({
      method: 'PUT',
      path: `/storage/v1/object/upload/sign/attachments/${key('photo.png')}`,
    })
    expect(last().query.get('token')).toBe(target.token)
    expect(await storage.head(key('photo.png'))).toMatchObject({
      size: samples.png.byteLength,
      contentType: 'image/png',
    })
  })

  it('removes with DELETE /object/{bucket} { prefixes }; missing keys are fine', async () => {
    await storage.remove([key('visa.pdf'), key('photo.png'), key('never-there.txt')])
    const request = last()
    expect(request).toMatchObject({ method: 'DELETE', path: '/storage/v1/object/attachments' })
    expect(JSON.parse(request.body.toString())).toEqual({
      prefixes: [key('visa.pdf'), key('photo.png'), key('never-there.txt')],
    })
    expect(storageApi.objects.size).toBe(0)
    const before = storageApi.requests.length
    await storage.remove([])
    expect(storageApi.requests.length).toBe(before)
  })

  it('maps Storage refusals to typed errors without their messages', async () => {
    await expect(storage.upload(key('page.html'), samples.html, { contentType: 'text/html' })).rejects.toMatchObject({
      code: 'validation',
      details: { storage: { statusCode: '415', code: 'InvalidMimeType' } },
    })
    const wrongKey = supabaseStorage(createClient(storageApi.url, 'not-a-jwt', clientOptions))
    const failure = await wrongKey.head(key('visa.pdf')).catch((error: unknown) => error)
    expect(failure).toMatchObject({ code: 'forbidden', details: { storage: { code: 'InvalidJWT' } } })
    expect(JSON.stringify(failure)).not.toContain('Invalid API key')

    const down = supabaseStorage(createClient('http://127.0.0.1:9', storageApi.serviceRoleKey, clientOptions))
    await expect(down.head(key('visa.pdf'))).rejects.toMatchObject({ code: 'unavailable' })
  })

  it('checks keys before sending anything', async () => {
    const before = storageApi.requests.length
    for (const bad of ['../x', `${alice}/a?b`, `${alice}/a#b`, `${alice}/%2e%2e`, '/abs', `${alice}/a\u0000`]) {
      await expect(storage.upload(bad, samples.text, { contentType: 'text/plain' })).rejects.toMatchObject({
        code: 'validation',
      })
      await expect(storage.remove([bad])).rejects.toMatchObject({ code: 'validation' })
    }
    expect(storageApi.requests.length).toBe(before)
  })
})

describe('Storage authorization (storage.objects policies) with a user JWT', () => {
  it('lets a user reach their own folder only, and keeps strangers out', async () => {
    const token = (sub: string) =>
      storageApi.signJwt({ sub, role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 600 })
    const asUser = (sub: string) =>
      supabaseStorage(
        createClient(storageApi.url, storageApi.anonKey, { ...clientOptions, accessToken: async () => token(sub) }),
      )
    const aliceStore = asUser(alice)
    const bobStore = asUser(bob)

    await aliceStore.upload(key('mine.txt'), samples.text, { contentType: 'text/plain' })
    const bearer = /^Bearer (.+)$/.exec(last().headers.authorization ?? '')?.[1] ?? ''
    expect(JSON.parse(Buffer.from(bearer.split('.')[1] ?? '', 'base64url').toString())).toMatchObject({
      sub: alice,
      role: 'authenticated',
    })
    expect(last().headers.apikey).toBe(storageApi.anonKey)

    // Bob can neither read, sign, upload into nor delete Alice's folder.
    expect(await bobStore.head(key('mine.txt'))).toBeNull()
    await expect(bobStore.createSignedUrl(key('mine.txt'), { expiresIn: 60 })).rejects.toMatchObject({
      code: 'not_found',
    })
    await expect(
      bobStore.upload(key('planted.txt'), samples.text, { contentType: 'text/plain' }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(
      bobStore.createSignedUploadUrl(key('planted.txt'), { contentType: 'text/plain' }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    })
    await bobStore.remove([key('mine.txt')])
    expect(await aliceStore.head(key('mine.txt'))).toMatchObject({ size: samples.text.byteLength })

    // …while his own folder works.
    await bobStore.upload(key('his.txt', bob), samples.text, { contentType: 'text/plain' })
    await aliceStore.remove([key('mine.txt')])
    await bobStore.remove([key('his.txt', bob)])
    expect(storageApi.objects.size).toBe(0)
  })
})
