import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { firstFolderPolicies, type StoragePolicies } from './storage-policies.js'

/** A bucket of the loopback Storage API, with Supabase's per-bucket limits. */
export interface StorageApiBucket {
  /** The bucket id (and name). */
  id: string
  /** Largest object in bytes (`file_size_limit`); unlimited when omitted. */
  fileSizeLimit?: number
  /** Accepted Content-Types (`allowed_mime_types`); any when omitted. */
  allowedMimeTypes?: readonly string[]
}

/** Options of {@link startStorageApiServer}. */
export interface StorageApiServerOptions {
  /** HS256 secret of the JWTs (API keys, user tokens and signed-URL tokens); random by default. */
  jwtSecret?: string
  /** Buckets (default: `attachments`, 10 MiB, the types of the TripSage migration). */
  buckets?: readonly StorageApiBucket[]
  /** Seconds a signed upload URL stays valid (Supabase's default: 7200). */
  uploadUrlTtl?: number
  /**
   * What users may write. Default: only under their own first folder. Pass
   * `databaseStoragePolicies(db)` to have the database's `storage.objects` policies decide, as
   * Supabase Storage does (e.g. TripSage's "only while the attachment is uploading").
   */
  policies?: StoragePolicies
}

/** One request the server received, for assertions. */
export interface RecordedStorageRequest {
  /** The HTTP method. */
  readonly method: string
  /** The path without the query, exactly as sent (not decoded). */
  readonly path: string
  /** The query string, parsed. */
  readonly query: URLSearchParams
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>
  /** The raw body. */
  readonly body: Buffer
}

/** An object held by the loopback server. */
export interface StoredObject {
  /** The object id (UUID). */
  readonly id: string
  /** The bucket id. */
  readonly bucket: string
  /** The object key. */
  readonly name: string
  /** The content. */
  readonly bytes: Buffer
  /** The Content-Type it was stored with. */
  readonly contentType: string
  /** The `sub` of the JWT that stored it (null for the service role). */
  readonly owner: string | null
  /** The ETag (an MD5 of the bytes, quoted). */
  readonly etag: string
  /** ISO timestamp. */
  readonly createdAt: string
  /** ISO timestamp. */
  readonly updatedAt: string
}

/** A running loopback Supabase Storage API. */
export interface StorageApiServer {
  /** The project URL to pass to `createClient(url, key)` (the API lives under `/storage/v1`). */
  readonly url: string
  /** A `service_role` API key (a JWT signed with `jwtSecret`). */
  readonly serviceRoleKey: string
  /** An `anon` API key. */
  readonly anonKey: string
  /** The HS256 secret every token is signed with. */
  readonly jwtSecret: string
  /** Mints an HS256 JWT, e.g. a user's access token `{ sub, role: 'authenticated' }`. */
  signJwt(claims: Record<string, unknown>): string
  /** Every request received, in order. */
  readonly requests: RecordedStorageRequest[]
  /** The objects, by `bucket/name`. */
  readonly objects: Map<string, StoredObject>
  /** Stops the server. */
  stop(): Promise<void>
}

const defaultBuckets: readonly StorageApiBucket[] = [
  {
    id: 'attachments',
    fileSizeLimit: 10 * 1024 * 1024,
    allowedMimeTypes: [
      'image/png',
      'image/jpeg',
      'image/gif',
      'image/webp',
      'application/pdf',
      'text/plain',
      'text/csv',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
  },
]

class StorageHttpError extends Error {
  constructor(
    readonly statusCode: string,
    readonly code: string,
    readonly error: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message)
  }
}

const errors = {
  noSuchKey: () => new StorageHttpError('404', 'NoSuchKey', 'not_found', 'Object not found'),
  noSuchBucket: () => new StorageHttpError('404', 'NoSuchBucket', 'Bucket not found', 'Bucket not found'),
  invalidJwt: (message = 'Invalid JWT') => new StorageHttpError('400', 'InvalidJWT', 'InvalidJWT', message),
  rls: () => new StorageHttpError('403', 'AccessDenied', 'Unauthorized', 'new row violates row-level security policy'),
  duplicate: () => new StorageHttpError('409', 'ResourceAlreadyExists', 'Duplicate', 'The resource already exists'),
  tooLarge: () =>
    new StorageHttpError('413', 'EntityTooLarge', 'Payload too large', 'The object exceeded the maximum allowed size'),
  mime: (type: string) =>
    new StorageHttpError('415', 'InvalidMimeType', 'invalid_mime_type', `mime type ${type} is not supported`),
  signature: (message = 'Invalid signature') =>
    new StorageHttpError('400', 'InvalidSignature', 'InvalidSignature', message),
  expired: () => new StorageHttpError('400', 'ExpiredToken', 'ExpiredToken', 'The provided token has expired.'),
  notFound: () => new StorageHttpError('404', 'NotFound', 'not_found', 'Route not found', 404),
}

/**
 * Starts a loopback HTTP server that speaks the Supabase Storage API routes the TripSage
 * `supabaseStorage` adapter uses, with the same request and response shapes as Supabase Storage
 * (including its habit of answering errors with HTTP 400 and the logical status in `statusCode`):
 *
 * - `POST /object/{bucket}/{path}` (upload, `x-upsert`), `GET /object[/authenticated]/{bucket}/{path}`
 * - `POST /object/sign/{bucket}/{path}` `{ expiresIn }` → `{ signedURL }`; `GET` it to download
 * - `POST /object/upload/sign/{bucket}/{path}` → `{ url, token }`; `PUT` it to upload
 * - `GET /object/info[/authenticated]/{bucket}/{path}` → the object info
 * - `DELETE /object/{bucket}` `{ prefixes }` → the deleted objects
 *
 * Authorization mirrors Supabase: `apikey` and `Authorization: Bearer <jwt>` are required and
 * verified (HS256); `service_role` bypasses policies; an `authenticated` user reaches only objects
 * whose first folder is their `sub` (the TripSage `storage.objects` policies); `anon` reaches none.
 * Use the real `@supabase/supabase-js` client against {@link StorageApiServer.url}.
 *
 * @example
 * const storageApi = await startStorageApiServer()
 * const supabase = createClient(storageApi.url, storageApi.serviceRoleKey, { auth: { persistSession: false } })
 */
export async function startStorageApiServer(options: StorageApiServerOptions = {}): Promise<StorageApiServer> {
  const jwtSecret = options.jwtSecret ?? randomBytes(32).toString('hex')
  const buckets = new Map((options.buckets ?? defaultBuckets).map((b) => [b.id, b]))
  const uploadUrlTtl = options.uploadUrlTtl ?? 7200
  const policies = options.policies ?? firstFolderPolicies
  const requests: RecordedStorageRequest[] = []
  const objects = new Map<string, StoredObject>()

  const signJwt = (claims: Record<string, unknown>) => hs256(claims, jwtSecret)
  const now = () => Math.floor(Date.now() / 1000)
  const serviceRoleKey = signJwt({ role: 'service_role', iss: 'supabase', iat: now(), exp: now() + 3600 * 24 })
  const anonKey = signJwt({ role: 'anon', iss: 'supabase', iat: now(), exp: now() + 3600 * 24 })

  /** The caller's claims: the API key must be valid, the bearer token decides the role. */
  function authenticate(req: RecordedStorageRequest): { role: string; sub: string | null } {
    const apikey = req.headers.apikey
    if (!apikey || !verifyHs256(apikey, jwtSecret)) throw errors.invalidJwt('Invalid API key')
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1]
    if (!bearer) throw errors.invalidJwt('No authorization header')
    const claims = verifyHs256(bearer, jwtSecret)
    if (!claims) throw errors.invalidJwt()
    if (typeof claims.exp === 'number' && claims.exp < now()) throw errors.invalidJwt('jwt expired')
    return { role: String(claims.role ?? 'anon'), sub: typeof claims.sub === 'string' ? claims.sub : null }
  }

  /** The TripSage `storage.objects` policies: service_role bypasses, a user owns their first folder. */
  function allowed(auth: { role: string; sub: string | null }, name: string): boolean {
    if (auth.role === 'service_role') return true
    if (auth.role !== 'authenticated' || !auth.sub) return false
    return name.split('/').length > 1 && name.split('/')[0] === auth.sub
  }

  /** Writes: service_role bypasses; users are asked of the configured policies. */
  async function mayWrite(
    auth: { role: string; sub: string | null },
    bucketId: string,
    name: string,
  ): Promise<boolean> {
    if (auth.role === 'service_role') return true
    if (auth.role !== 'authenticated' || !auth.sub) return false
    return policies.canWrite(auth, bucketId, name)
  }

  function bucketOf(id: string): StorageApiBucket {
    const bucket = buckets.get(id)
    if (!bucket) throw errors.noSuchBucket()
    return bucket
  }

  function store(
    bucketId: string,
    name: string,
    body: Buffer,
    contentType: string,
    owner: string | null,
    upsert: boolean,
  ) {
    const bucket = bucketOf(bucketId)
    if (contentType.toLowerCase().startsWith('multipart/form-data')) {
      throw new StorageHttpError('400', 'InvalidRequest', 'InvalidRequest', 'multipart uploads are not emulated')
    }
    const bare = (contentType.split(';')[0] ?? '').trim().toLowerCase()
    if (bucket.allowedMimeTypes && !bucket.allowedMimeTypes.includes(bare)) throw errors.mime(bare)
    if (bucket.fileSizeLimit !== undefined && body.byteLength > bucket.fileSizeLimit) throw errors.tooLarge()
    const key = `${bucketId}/${name}`
    const existing = objects.get(key)
    if (existing && !upsert) throw errors.duplicate()
    const stamp = new Date().toISOString()
    const object: StoredObject = {
      id: existing?.id ?? randomUUID(),
      bucket: bucketId,
      name,
      bytes: body,
      contentType,
      owner,
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      createdAt: existing?.createdAt ?? stamp,
      updatedAt: stamp,
    }
    objects.set(key, object)
    return object
  }

  function find(bucketId: string, name: string, auth: { role: string; sub: string | null }): StoredObject {
    bucketOf(bucketId)
    const object = objects.get(`${bucketId}/${name}`)
    // RLS hides what the caller may not select: indistinguishable from a missing object.
    if (!object || !allowed(auth, name)) throw errors.noSuchKey()
    return object
  }

  function serveObject(res: ServerResponse, object: StoredObject, download: string | null) {
    res.writeHead(200, {
      'content-type': object.contentType,
      'content-length': String(object.bytes.byteLength),
      etag: object.etag,
      'cache-control': 'max-age=3600',
      ...(download !== null
        ? { 'content-disposition': `attachment; filename="${download || object.name.split('/').at(-1)}"` }
        : {}),
    })
    res.end(object.bytes)
  }

  function verifyUrlToken(token: string | null, expectedUrl: string): Record<string, unknown> {
    if (!token) throw errors.signature('Missing token')
    const claims = verifyHs256(token, jwtSecret)
    if (!claims) throw errors.signature()
    if (claims.url !== expectedUrl) throw errors.signature('The url do not match the signature')
    if (typeof claims.exp !== 'number' || claims.exp < now()) throw errors.expired()
    return claims
  }

  async function route(req: RecordedStorageRequest, res: ServerResponse): Promise<void> {
    const prefix = '/storage/v1'
    if (!req.path.startsWith(`${prefix}/object/`)) throw errors.notFound()
    const rest = decodeURIComponent(req.path.slice(prefix.length))
    const match = (method: string, pattern: RegExp) => (req.method === method ? pattern.exec(rest) : null)
    let m: RegExpExecArray | null

    m = match('POST', /^\/object\/upload\/sign\/([^/]+)\/(.+)$/)
    if (m) {
      const [, bucketId, name] = m as unknown as [string, string, string]
      const auth = authenticate(req)
      bucketOf(bucketId)
      if (!(await mayWrite(auth, bucketId, name))) throw errors.rls()
      const upsert = req.headers['x-upsert'] === 'true'
      const token = signJwt({
        url: `${bucketId}/${name}`,
        owner: auth.sub,
        upsert,
        iat: now(),
        exp: now() + uploadUrlTtl,
      })
      return json(res, 200, { url: `/object/upload/sign/${bucketId}/${name}?token=${token}`, token })
    }
    m = match('PUT', /^\/object\/upload\/sign\/([^/]+)\/(.+)$/)
    if (m) {
      const [, bucketId, name] = m as unknown as [string, string, string]
      const claims = verifyUrlToken(req.query.get('token'), `${bucketId}/${name}`)
      const owner = typeof claims.owner === 'string' ? claims.owner : null
      store(
        bucketId,
        name,
        req.body,
        req.headers['content-type'] ?? 'text/plain;charset=UTF-8',
        owner,
        claims.upsert === true,
      )
      return json(res, 200, { Key: `${bucketId}/${name}` })
    }
    m = match('POST', /^\/object\/sign\/([^/]+)\/(.+)$/)
    if (m) {
      const [, bucketId, name] = m as unknown as [string, string, string]
      const auth = authenticate(req)
      const body = JSON.parse(req.body.toString('utf8') || '{}') as { expiresIn?: unknown }
      if (typeof body.expiresIn !== 'number' || !Number.isInteger(body.expiresIn) || body.expiresIn < 1) {
        throw new StorageHttpError('400', 'InvalidRequest', 'Bad Request', 'body/expiresIn must be >= 1')
      }
      find(bucketId, name, auth)
      const token = signJwt({ url: `${bucketId}/${name}`, iat: now(), exp: now() + body.expiresIn })
      return json(res, 200, { signedURL: `/object/sign/${bucketId}/${name}?token=${token}` })
    }
    m = match('GET', /^\/object\/sign\/([^/]+)\/(.+)$/)
    if (m) {
      const [, bucketId, name] = m as unknown as [string, string, string]
      verifyUrlToken(req.query.get('token'), `${bucketId}/${name}`)
      const object = objects.get(`${bucketId}/${name}`)
      if (!object) throw errors.noSuchKey()
      return serveObject(res, object, req.query.has('download') ? (req.query.get('download') ?? '') : null)
    }
    m = match('GET', /^\/object\/info\/(?:authenticated\/)?([^/]+)\/(.+)$/)
    if (m) {
      const [, bucketId, name] = m as unknown as [string, string, string]
      const object = find(bucketId, name, authenticate(req))
      return json(res, 200, {
        id: object.id,
        name: object.name,
        version: object.etag.replace(/"/g, ''),
        bucket_id: object.bucket,
        size: object.bytes.byteLength,
        content_type: object.contentType,
        cache_control: 'max-age=3600',
        etag: object.etag,
        metadata: null,
        last_modified: object.updatedAt,
        created_at: object.createdAt,
      })
    }
    m = match('DELETE', /^\/object\/([^/]+)$/)
    if (m) {
      const [, bucketId] = m as unknown as [string, string]
      const auth = authenticate(req)
      bucketOf(bucketId)
      const body = JSON.parse(req.body.toString('utf8') || '{}') as { prefixes?: unknown }
      if (!Array.isArray(body.prefixes) || body.prefixes.length === 0) {
        throw new StorageHttpError(
          '400',
          'InvalidRequest',
          'Bad Request',
          'body/prefixes must NOT have fewer than 1 items',
        )
      }
      const deleted: unknown[] = []
      for (const name of body.prefixes) {
        const key = `${bucketId}/${String(name)}`
        const object = objects.get(key)
        // RLS filters deletes silently: objects the caller may not delete are simply not deleted.
        if (!object || !allowed(auth, object.name)) continue
        objects.delete(key)
        deleted.push({
          bucket_id: bucketId,
          name: object.name,
          id: object.id,
          owner: object.owner,
          created_at: object.createdAt,
          updated_at: object.updatedAt,
          last_accessed_at: object.updatedAt,
          metadata: { size: object.bytes.byteLength, mimetype: object.contentType, eTag: object.etag },
        })
      }
      return json(res, 200, deleted)
    }
    m = match('POST', /^\/object\/([^/]+)\/(.+)$/)
    if (m) {
      const [, bucketId, name] = m as unknown as [string, string, string]
      const auth = authenticate(req)
      bucketOf(bucketId)
      if (!(await mayWrite(auth, bucketId, name))) throw errors.rls()
      const object = store(
        bucketId,
        name,
        req.body,
        req.headers['content-type'] ?? 'text/plain;charset=UTF-8',
        auth.sub,
        req.headers['x-upsert'] === 'true',
      )
      return json(res, 200, { Key: `${bucketId}/${name}`, Id: object.id })
    }
    m = match('GET', /^\/object\/(?:authenticated\/)?([^/]+)\/(.+)$/)
    if (m) {
      const [, bucketId, name] = m as unknown as [string, string, string]
      return serveObject(res, find(bucketId, name, authenticate(req)), null)
    }
    throw errors.notFound()
  }

  const server = createServer((incoming: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://loopback')
      const headers: Record<string, string> = {}
      for (const [key, value] of Object.entries(incoming.headers)) {
        if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
      }
      const req: RecordedStorageRequest = {
        method: incoming.method ?? 'GET',
        path: (incoming.url ?? '/').split('?')[0] ?? '/',
        query: url.searchParams,
        headers,
        body: Buffer.concat(chunks),
      }
      requests.push(req)
      route(req, res).catch((error: unknown) => {
        if (error instanceof StorageHttpError) {
          json(res, error.httpStatus, {
            statusCode: error.statusCode,
            code: error.code,
            error: error.error,
            message: error.message,
          })
        } else {
          json(res, 500, {
            statusCode: '500',
            code: 'InternalError',
            error: 'internal',
            message: 'Internal Server Error',
          })
        }
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    serviceRoleKey,
    anonKey,
    jwtSecret,
    signJwt,
    requests,
    objects,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url')
}

function hs256(claims: Record<string, unknown>, secret: string): string {
  const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
  const body = base64url(JSON.stringify(claims))
  const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')
  return `${head}.${body}.${signature}`
}

function verifyHs256(token: string, secret: string): Record<string, unknown> | null {
  const [head, body, signature] = token.split('.')
  if (!head || !body || !signature) return null
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest()
  const given = Buffer.from(signature, 'base64url')
  if (given.byteLength !== expected.byteLength || !timingSafeEqual(given, expected)) return null
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>
  } catch {
    return null
  }
}
