import { ValidationError } from '../errors.js'
import { assertSafeBucket, assertSafeObjectKey, isSafeBucket, isSafeObjectKey } from './object-key.js'

/** What a signed URL allows: reading an object, or uploading one. */
export type SignedUrlPurpose = 'read' | 'upload'

/** Options of {@link signStorageUrl}. */
export interface SignStorageUrlOptions {
  /** Where the serving handler is mounted, e.g. `http://localhost:3000/storage`. */
  baseUrl: string
  /** The HMAC secret (≥ 32 bytes); the same one must verify. */
  signingSecret: string | Uint8Array
  purpose: SignedUrlPurpose
  bucket: string
  /** The object key (must pass `isSafeObjectKey`). */
  path: string
  /** Expiry, epoch seconds. */
  expiresAt: number
  /** For reads: serve as an attachment with this file name. */
  download?: string | null
  /** For uploads: may replace an existing object. */
  upsert?: boolean
  /** For uploads: the Content-Type the upload must carry. */
  contentType?: string | null
}

/** The outcome of {@link verifySignedUrl}. */
export type SignedUrlVerification =
  | {
      /** True: the signature checks out and the URL has not expired. */
      readonly valid: true
      /** `read` or `upload`. */
      readonly purpose: SignedUrlPurpose
      /** The bucket the URL is for. */
      readonly bucket: string
      /** The object key. */
      readonly path: string
      /** For reads: the attachment file name, or null to serve inline. */
      readonly download: string | null
      /** For uploads: whether an existing object may be replaced. */
      readonly upsert: boolean
      /** For uploads: the Content-Type the upload must carry, or null for any. */
      readonly contentType: string | null
      /** ISO 8601. */
      readonly expiresAt: string
    }
  | {
      /** False: do not serve or accept anything for this URL. */
      readonly valid: false
      /** `malformed`: not a signed storage URL; `bad_signature`: tampered or another secret; `expired`. */
      readonly reason: 'malformed' | 'bad_signature' | 'expired'
    }

/** Options of {@link verifySignedUrl}. */
export interface VerifySignedUrlOptions {
  /** The secret the URL was signed with. */
  signingSecret: string | Uint8Array
  /** The clock, epoch milliseconds (default `Date.now`). */
  now?: () => number
}

interface TokenClaims {
  /** purpose */
  p: SignedUrlPurpose
  /** bucket */
  b: string
  /** key */
  k: string
  /** expiry, epoch seconds */
  e: number
  /** download name */
  d: string | null
  /** upsert */
  u: boolean
  /** content type */
  t: string | null
}

const encoder = new TextEncoder()
const tokenDomain = 'tripsage-storage-url:v1.'

/** The smallest HMAC secret accepted, in bytes (SHA-256's block of entropy). */
export const minSigningSecretBytes = 32

/**
 * Signs a storage URL: `{baseUrl}/object/sign/{bucket}/{path}?token=…` for reads and
 * `{baseUrl}/object/upload/sign/{bucket}/{path}?token=…` for uploads — the same layout as Supabase
 * Storage. The token is base64url(JSON claims) `.` base64url(HMAC-SHA-256(secret, claims)); the
 * claims bind purpose, bucket, key, expiry, download name, upsert and Content-Type.
 */
export async function signStorageUrl(options: SignStorageUrlOptions): Promise<{ url: string; token: string }> {
  assertSafeBucket(options.bucket)
  assertSafeObjectKey(options.path)
  const claims: TokenClaims = {
    p: options.purpose,
    b: options.bucket,
    k: options.path,
    e: Math.floor(options.expiresAt),
    d: options.download ?? null,
    u: options.upsert === true,
    t: options.contentType ?? null,
  }
  const body = base64UrlEncode(encoder.encode(JSON.stringify(claims)))
  const key = await hmacKey(options.signingSecret)
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(tokenDomain + body)))
  const token = `${body}.${base64UrlEncode(mac)}`
  const url = new URL(`${options.baseUrl.replace(/\/+$/, '')}${routeOf(claims)}`)
  url.searchParams.set('token', token)
  if (claims.p === 'read' && claims.d !== null) url.searchParams.set('download', claims.d)
  return { url: url.toString(), token }
}

/**
 * Verifies a URL made by `fileSystemStorage` (or `signStorageUrl`): the HMAC (checked in
 * constant time by Web Crypto), the expiry, and that the URL's path and `download` parameter are
 * the signed ones. Returns what the URL grants, or why it does not — it never throws for a bad URL.
 *
 * @example
 * const check = await verifySignedUrl(request.url, { signingSecret })
 * if (!check.valid || check.purpose !== 'read') return new Response('Forbidden', { status: 403 })
 */
export async function verifySignedUrl(
  url: string | URL,
  options: VerifySignedUrlOptions,
): Promise<SignedUrlVerification> {
  let parsed: URL
  try {
    parsed = new URL(url.toString())
  } catch {
    return { valid: false, reason: 'malformed' }
  }
  const token = parsed.searchParams.get('token')
  const parts = token?.split('.')
  if (parts?.length !== 2 || !parts[0] || !parts[1]) return { valid: false, reason: 'malformed' }
  const [body, signature] = parts as [string, string]
  const mac = base64UrlDecode(signature)
  if (!mac) return { valid: false, reason: 'malformed' }
  const key = await hmacKey(options.signingSecret)
  const ok = await crypto.subtle.verify('HMAC', key, mac, encoder.encode(tokenDomain + body))
  if (!ok) return { valid: false, reason: 'bad_signature' }

  const claims = decodeClaims(body)
  if (!claims) return { valid: false, reason: 'malformed' }
  // The signature covers the claims; the URL must name exactly the signed object and options.
  if (!parsed.pathname.endsWith(routeOf(claims))) return { valid: false, reason: 'bad_signature' }
  const download = parsed.searchParams.get('download')
  if (claims.p === 'read' && download !== claims.d) return { valid: false, reason: 'bad_signature' }
  const now = (options.now ?? Date.now)()
  if (claims.e * 1000 <= now) return { valid: false, reason: 'expired' }
  return {
    valid: true,
    purpose: claims.p,
    bucket: claims.b,
    path: claims.k,
    download: claims.d,
    upsert: claims.u,
    contentType: claims.t,
    expiresAt: new Date(claims.e * 1000).toISOString(),
  }
}

function routeOf(claims: Pick<TokenClaims, 'p' | 'b' | 'k'>): string {
  const prefix = claims.p === 'read' ? '/object/sign/' : '/object/upload/sign/'
  return `${prefix}${claims.b}/${claims.k}`
}

function decodeClaims(body: string): TokenClaims | null {
  const bytes = base64UrlDecode(body)
  if (!bytes) return null
  try {
    const c = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Partial<TokenClaims>
    const valid =
      (c.p === 'read' || c.p === 'upload') &&
      typeof c.b === 'string' &&
      isSafeBucket(c.b) &&
      typeof c.k === 'string' &&
      isSafeObjectKey(c.k) &&
      typeof c.e === 'number' &&
      Number.isFinite(c.e) &&
      (c.d === null || typeof c.d === 'string') &&
      typeof c.u === 'boolean' &&
      (c.t === null || typeof c.t === 'string')
    return valid ? (c as TokenClaims) : null
  } catch {
    return null
  }
}

async function hmacKey(secret: string | Uint8Array): Promise<CryptoKey> {
  const bytes = typeof secret === 'string' ? encoder.encode(secret) : secret
  if (bytes.byteLength < minSigningSecretBytes) {
    throw new ValidationError(`The signing secret must be at least ${minSigningSecretBytes} bytes`)
  }
  return crypto.subtle.importKey('raw', bytes as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ])
}

function base64UrlEncode(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function base64UrlDecode(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0))
    // Canonical form only: otherwise unused trailing bits would let one token have several spellings.
    return base64UrlEncode(bytes) === text ? bytes : null
  } catch {
    return null
  }
}
