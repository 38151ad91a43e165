import { base64url, base64urlText } from './base64url.js'

/** What {@link signQstashRequest} signs. */
export interface SignQstashRequestInput {
  /** The signing key (QStash's current or next key, or one of the embedded queue's keys). */
  signingKey: string
  /** The destination URL; becomes the `sub` claim the receiver compares with its `url`. */
  url: string
  /** The exact raw body that will be sent. */
  body: string
  /** Seconds the token is valid (default 300, as QStash). */
  ttlSeconds?: number
  /** The clock in epoch milliseconds (default `Date.now`). */
  now?: () => number
  /** The token id (default: a random UUID). */
  jti?: string
}

/**
 * Mints an `Upstash-Signature` value exactly as QStash does: an HS256 JWT with `iss: "Upstash"`,
 * `sub` = the URL, `iat`/`nbf` = now, `exp` = now + ttl, a random `jti`, and `body` = base64url
 * SHA-256 of the raw body. Web Crypto only, so it runs on every host runtime. Used by the embedded
 * queue; handy in tests of your own job routes.
 *
 * @example
 * const signature = await signQstashRequest({ signingKey, url, body })
 * await handler(new Request(url, { method: 'POST', body, headers: { 'Upstash-Signature': signature } }))
 */
export async function signQstashRequest(input: SignQstashRequestInput): Promise<string> {
  const nowSeconds = Math.floor((input.now ?? Date.now)() / 1000)
  const bodyHash = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(input.body)))
  const header = base64urlText(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
  const claims = base64urlText(
    JSON.stringify({
      iss: 'Upstash',
      sub: input.url,
      exp: nowSeconds + (input.ttlSeconds ?? 300),
      nbf: nowSeconds,
      iat: nowSeconds,
      jti: input.jti ?? crypto.randomUUID(),
      body: base64url(bodyHash),
    }),
  )
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(input.signingKey),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${header}.${claims}`)))
  return `${header}.${claims}.${base64url(mac)}`
}
