// Shared by the tests of this package (not exported): jose-minted QStash tokens and a KvStore
// that can "die" (a crashed process writes nothing more).
import type { KvStore } from '@tripsage/core'
import { base64url, SignJWT } from 'jose'

export const keys = { currentSigningKey: 'sig_test_current_0123456789', nextSigningKey: 'sig_test_next_0123456789' }
export const url = 'https://jobs.example.test/api/jobs/test'

/** Claims to override in {@link mintToken}; `null` leaves a claim out. */
export interface TokenOverrides {
  key?: string
  iss?: string | null
  sub?: string | null
  exp?: number | null
  nbf?: number | null
  iat?: number | null
  jti?: string | null
  bodyHash?: string
}

/** An HS256 QStash token minted with jose (independent of the SDK's own signer). */
export async function mintToken(body: string, overrides: TokenOverrides = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body)))
  const claims: Record<string, unknown> = { body: overrides.bodyHash ?? base64url.encode(digest) }
  const standard = {
    iss: overrides.iss === undefined ? 'Upstash' : overrides.iss,
    sub: overrides.sub === undefined ? url : overrides.sub,
    exp: overrides.exp === undefined ? now + 300 : overrides.exp,
    nbf: overrides.nbf === undefined ? now : overrides.nbf,
    iat: overrides.iat === undefined ? now : overrides.iat,
    jti: overrides.jti === undefined ? crypto.randomUUID() : overrides.jti,
  }
  for (const [name, value] of Object.entries(standard)) if (value !== null) claims[name] = value
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(overrides.key ?? keys.currentSigningKey))
}

let counter = 0

/** A signed delivery of `body` (a string or JSON value). */
export async function delivery(
  body: unknown,
  options: {
    messageId?: string
    retried?: number
    token?: TokenOverrides
    signature?: string | null
    target?: string
  } = {},
): Promise<Request> {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Upstash-Message-Id': options.messageId ?? `msg_${++counter}`,
    'Upstash-Retried': String(options.retried ?? 0),
  }
  const signature = options.signature === undefined ? await mintToken(text, options.token) : options.signature
  if (signature !== null) headers['Upstash-Signature'] = signature
  return new Request(options.target ?? url, { method: 'POST', body: text, headers })
}

/** A KvStore wrapper whose writes fail while `dead` is true: a process that crashed mid-delivery. */
export function mortalKv(inner: KvStore): KvStore & { dead: boolean } {
  const wrapper = {
    dead: false,
    mget: (k: readonly string[]) => inner.mget(k),
    update: <T>(key: string, decide: Parameters<KvStore['update']>[1]) =>
      wrapper.dead ? Promise.reject(new Error('process died')) : inner.update<T>(key, decide as never),
    delete: (key: string) => (wrapper.dead ? Promise.reject(new Error('process died')) : inner.delete(key)),
    now: () => inner.now(),
  }
  return wrapper as KvStore & { dead: boolean }
}
