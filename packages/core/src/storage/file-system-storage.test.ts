import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { samples } from '../attachments/samples.test-support.js'
import { type FileSystemStorage, fileSystemStorage } from './file-system-storage.js'
import { type FetchServer, serveFetch } from './http.test-support.js'
import { isSafeObjectKey } from './object-key.js'

const signingSecret = 'fs-storage-test-secret-0123456789abcdef'
const user = '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b'
const key = (name: string, id = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d') => `${user}/${id}/${name}`

let dir: string
let server: FetchServer
let storage: FileSystemStorage
let clock = Date.now()

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tripsage-fs-storage-'))
  server = await serveFetch(() => storage.handle)
  storage = fileSystemStorage({
    dir,
    signingSecret,
    baseUrl: `${server.url}/storage`,
    maxObjectSize: 1024,
    now: () => clock,
  })
})

afterAll(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)))
}

describe('fileSystemStorage (BlobStore)', () => {
  it('uploads, reports, reads a prefix of and removes an object', async () => {
    await storage.upload(key('visa.pdf'), samples.pdf, { contentType: 'application/pdf' })
    expect(await storage.head(key('visa.pdf'))).toMatchObject({
      size: samples.pdf.byteLength,
      contentType: 'application/pdf',
    })
    expect(await storage.read(key('visa.pdf'), { maxBytes: 5 })).toEqual(new TextEncoder().encode('%PDF-'))
    expect(await storage.read(key('visa.pdf'), { maxBytes: 10_000 })).toEqual(samples.pdf)

    await storage.remove([key('visa.pdf')])
    expect(await storage.head(key('visa.pdf'))).toBeNull()
    expect(await storage.read(key('visa.pdf'), { maxBytes: 5 })).toBeNull()
    // Idempotent, and empty folders are pruned.
    await storage.remove([key('visa.pdf')])
    expect(await filesUnder(dir)).toEqual([])
  })

  it('refuses a second upload to the same key unless upsert, and accepts Blobs and ArrayBuffers', async () => {
    await storage.upload(key('a.txt'), new Blob([samples.text]), { contentType: 'text/plain' })
    await expect(storage.upload(key('a.txt'), samples.csv, { contentType: 'text/csv' })).rejects.toMatchObject({
      code: 'conflict',
    })
    await storage.upload(key('a.txt'), samples.csv.slice().buffer, { contentType: 'text/csv', upsert: true })
    expect(await storage.head(key('a.txt'))).toMatchObject({ size: samples.csv.byteLength, contentType: 'text/csv' })
    await expect(
      storage.upload(key('big.txt'), new Uint8Array(2048), { contentType: 'text/plain' }),
    ).rejects.toMatchObject({ code: 'validation' })
    await storage.remove([key('a.txt')])
  })

  it('refuses unsafe keys before touching the disk (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }), async (junk) => {
        fc.pre(!isSafeObjectKey(junk))
        await expect(storage.upload(junk, samples.text, { contentType: 'text/plain' })).rejects.toMatchObject({
          code: 'validation',
        })
        await expect(storage.head(junk)).rejects.toMatchObject({ code: 'validation' })
        await expect(storage.createSignedUrl(junk, { expiresIn: 60 })).rejects.toMatchObject({ code: 'validation' })
      }),
      { numRuns: 200 },
    )
    expect(await filesUnder(dir)).toEqual([])
  })

  it('creates a missing directory and its parents on first write (a fresh clone has no .tripsage/)', async () => {
    const fresh = join(dir, 'not', 'yet', 'there')
    const store = fileSystemStorage({ dir: fresh, signingSecret, baseUrl: 'http://127.0.0.1/storage' })
    expect(await store.head(key('notes.txt'))).toBeNull()
    await store.upload(key('notes.txt'), samples.text, { contentType: 'text/plain' })
    expect(await store.read(key('notes.txt'), { maxBytes: 10_000 })).toEqual(samples.text)
    await rm(join(dir, 'not'), { recursive: true, force: true })
  })

  it('validates its options', () => {
    expect(() => fileSystemStorage({ dir, signingSecret: 'short', baseUrl: 'http://x' })).toThrow(/at least 32 bytes/)
    expect(() => fileSystemStorage({ dir, signingSecret, baseUrl: '/relative' })).toThrow(/absolute URL/)
    expect(() => fileSystemStorage({ dir, signingSecret, baseUrl: 'http://x', bucket: '../up' })).toThrow(
      /Invalid bucket/,
    )
  })
})

describe('fileSystemStorage signed URLs over HTTP', () => {
  it('serve the object to anyone holding the URL until it expires', async () => {
    await storage.upload(key('photo.png'), samples.png, { contentType: 'image/png' })
    const { url, expiresAt } = await storage.createSignedUrl(key('photo.png'), { expiresIn: 60 })
    expect(url.startsWith(`${server.url}/storage/object/sign/attachments/${user}/`)).toBe(true)
    expect(Date.parse(expiresAt) - clock).toBeLessThanOrEqual(60_000)

    const response = await fetch(url)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('image/png')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('content-disposition')).toBe('inline')
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(samples.png)

    const download = await storage.createSignedUrl(key('photo.png'), { expiresIn: 60, download: 'Holiday photo.png' })
    const downloaded = await fetch(download.url)
    expect(downloaded.headers.get('content-disposition')).toBe(
      `attachment; filename="Holiday_photo.png"; filename*=UTF-8''Holiday%20photo.png`,
    )

    clock += 61_000
    const expired = await fetch(url)
    expect(expired.status).toBe(400)
    expect(await expired.json()).toMatchObject({ statusCode: '400', error: 'ExpiredToken' })
    await storage.remove([key('photo.png')])
  })

  it('accept one upload per signed upload URL, with the signed Content-Type and size limit', async () => {
    const target = await storage.createSignedUploadUrl(key('scan.pdf'), { contentType: 'application/pdf' })
    expect(target).toMatchObject({ method: 'PUT', bucket: 'attachments', path: key('scan.pdf') })
    expect(target.headers).toEqual({ 'content-type': 'application/pdf' })

    const wrongType = await fetch(target.url, {
      method: 'PUT',
      body: samples.pdf,
      headers: { 'content-type': 'text/html' },
    })
    expect(await wrongType.json()).toMatchObject({ statusCode: '415' })
    const tooBig = await fetch(target.url, { method: 'PUT', body: new Uint8Array(4096), headers: target.headers })
    expect(await tooBig.json()).toMatchObject({ statusCode: '413' })
    expect(await storage.head(key('scan.pdf'))).toBeNull()

    const ok = await fetch(target.url, { method: 'PUT', body: samples.pdf, headers: target.headers })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ Key: `attachments/${key('scan.pdf')}` })
    expect(await storage.head(key('scan.pdf'))).toMatchObject({
      contentType: 'application/pdf',
      size: samples.pdf.byteLength,
    })

    const again = await fetch(target.url, { method: 'PUT', body: samples.png, headers: target.headers })
    expect(await again.json()).toMatchObject({ statusCode: '409', error: 'Duplicate' })
    expect(await storage.read(key('scan.pdf'), { maxBytes: 100 })).toEqual(samples.pdf)
    await storage.remove([key('scan.pdf')])
  })

  it('never lets a read URL upload, an upload URL read, or a tampered URL do anything', async () => {
    await storage.upload(key('notes.txt'), samples.text, { contentType: 'text/plain' })
    const read = await storage.createSignedUrl(key('notes.txt'), { expiresIn: 60 })
    const upload = await storage.createSignedUploadUrl(key('other.txt'), { contentType: 'text/plain' })

    expect(
      (await fetch(read.url, { method: 'PUT', body: 'x', headers: { 'content-type': 'text/plain' } })).status,
    ).toBe(405)
    expect((await fetch(upload.url)).status).toBe(405)
    const tampered = read.url.replace('notes.txt', 'other.txt')
    expect(await (await fetch(tampered)).json()).toMatchObject({ error: 'InvalidSignature' })
    const foreign = fileSystemStorage({ dir, signingSecret: `${signingSecret}-2`, baseUrl: `${server.url}/storage` })
    const forged = await foreign.createSignedUrl(key('notes.txt'), { expiresIn: 60 })
    expect(await (await fetch(forged.url)).json()).toMatchObject({ error: 'InvalidSignature' })
    await storage.remove([key('notes.txt')])
  })

  it('answers 500 without details instead of throwing when the store is corrupt', async () => {
    await storage.upload(key('broken.txt'), samples.text, { contentType: 'text/plain' })
    await writeFile(`${join(dir, 'attachments', 'meta', ...key('broken.txt').split('/'))}.json`, '{not json')
    const { url } = await storage.createSignedUrl(key('broken.txt'), { expiresIn: 60 })
    const response = await fetch(url)
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({
      statusCode: '500',
      code: 'InternalError',
      error: 'InternalError',
      message: 'Internal Server Error',
    })
    await expect(storage.head(key('broken.txt'))).rejects.toMatchObject({ code: 'internal' })
    expect(JSON.stringify(await storage.head(key('broken.txt')).catch((e: unknown) => e))).not.toContain(dir)
    await storage.remove([key('broken.txt')])
  })
})
