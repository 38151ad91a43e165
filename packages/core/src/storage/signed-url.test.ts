import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { signStorageUrl, verifySignedUrl } from './signed-url.js'

const signingSecret = 'test-signing-secret-0123456789abcdef'
const path = '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/visa.pdf'
const now = 1_800_000_000_000

const sign = (overrides: Partial<Parameters<typeof signStorageUrl>[0]> = {}) =>
  signStorageUrl({
    baseUrl: 'http://localhost:3000/storage',
    signingSecret,
    purpose: 'read',
    bucket: 'attachments',
    path,
    expiresAt: now / 1000 + 60,
    ...overrides,
  })

describe('signed storage URLs', () => {
  it('have Supabase Storage layout and verify with the same secret', async () => {
    const { url } = await sign({ download: 'visa.pdf' })
    expect(url).toMatch(
      /^http:\/\/localhost:3000\/storage\/object\/sign\/attachments\/6f1c2a7e-[^?]+\/visa\.pdf\?token=/,
    )
    const check = await verifySignedUrl(url, { signingSecret, now: () => now })
    expect(check).toEqual({
      valid: true,
      purpose: 'read',
      bucket: 'attachments',
      path,
      download: 'visa.pdf',
      upsert: false,
      contentType: null,
      expiresAt: new Date(now + 60_000).toISOString(),
    })
  })

  it('expire', async () => {
    const { url } = await sign()
    expect(await verifySignedUrl(url, { signingSecret, now: () => now + 59_999 })).toMatchObject({ valid: true })
    expect(await verifySignedUrl(url, { signingSecret, now: () => now + 60_000 })).toEqual({
      valid: false,
      reason: 'expired',
    })
  })

  it('refuse another secret, another path, another purpose or a changed download name', async () => {
    const { url } = await sign()
    const other = await verifySignedUrl(url, { signingSecret: `${signingSecret}-other`, now: () => now })
    expect(other).toEqual({ valid: false, reason: 'bad_signature' })

    const moved = url.replace('/visa.pdf?', '/passport.pdf?')
    expect(await verifySignedUrl(moved, { signingSecret, now: () => now })).toEqual({
      valid: false,
      reason: 'bad_signature',
    })
    const asUpload = url.replace('/object/sign/', '/object/upload/sign/')
    expect(await verifySignedUrl(asUpload, { signingSecret, now: () => now })).toEqual({
      valid: false,
      reason: 'bad_signature',
    })
    const renamed = `${url}&download=evil.html`
    expect(await verifySignedUrl(renamed, { signingSecret, now: () => now })).toEqual({
      valid: false,
      reason: 'bad_signature',
    })
  })

  it('refuse every single-character change of the token (property)', async () => {
    const { url } = await sign({ purpose: 'upload', contentType: 'application/pdf', upsert: false })
    const token = new URL(url).searchParams.get('token') ?? ''
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'
    await fc.assert(
      fc.asyncProperty(fc.nat(token.length - 1), fc.constantFrom(...alphabet), async (index, char) => {
        fc.pre(token[index] !== char)
        const tampered = new URL(url)
        tampered.searchParams.set('token', token.slice(0, index) + char + token.slice(index + 1))
        const check = await verifySignedUrl(tampered, { signingSecret, now: () => now })
        expect(check.valid).toBe(false)
      }),
      { numRuns: 300 },
    )
  })

  it('call garbage malformed instead of throwing', async () => {
    for (const url of [
      'not a url',
      'http://x/object/sign/a/b',
      'http://x/object/sign/a/b?token=a.b.c',
      'http://x/?token=%%',
    ]) {
      expect(await verifySignedUrl(url, { signingSecret })).toMatchObject({ valid: false })
    }
  })

  it('refuse short secrets and unsafe keys', async () => {
    await expect(sign({ signingSecret: 'short' })).rejects.toMatchObject({ code: 'validation' })
    await expect(sign({ path: 'a/../b' })).rejects.toMatchObject({ code: 'validation' })
    await expect(sign({ bucket: 'Attachments/..' })).rejects.toMatchObject({ code: 'validation' })
  })
})
