import { randomUUID } from 'node:crypto'
import { link, mkdir, open, readFile, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { ConflictError, TripSageError, UnavailableError, ValidationError } from '../errors.js'
import {
  type BlobBody,
  type BlobInfo,
  type BlobStore,
  blobBodyBytes,
  type SignedUploadOptions,
  type SignedUploadTarget,
  type SignedUrl,
  type SignedUrlOptions,
} from './blob-store.js'
import { assertSafeBucket, assertSafeObjectKey } from './object-key.js'
import { minSigningSecretBytes, signStorageUrl, verifySignedUrl } from './signed-url.js'

/** Options of {@link fileSystemStorage}. */
export interface FileSystemStorageOptions {
  /** The directory objects are kept in (created on first write). */
  dir: string
  /** HMAC secret for signed URLs, at least 32 bytes. Keep it out of the code (an env var of the app). */
  signingSecret: string | Uint8Array
  /**
   * The absolute URL where the app mounts {@link FileSystemStorage.handle}, e.g.
   * `http://localhost:3000/storage`. Signed URLs are `{baseUrl}/object/sign/{bucket}/{path}?token=…`.
   */
  baseUrl: string
  /** The bucket (default `attachments`); a directory under `dir`. */
  bucket?: string
  /** The largest object accepted, in bytes (default 10 MiB, the `attachments` bucket's limit). */
  maxObjectSize?: number
  /** Lifetime of signed upload URLs in seconds (default 7200, as on Supabase). */
  uploadUrlTtl?: number
  /** The clock, epoch milliseconds (default `Date.now`). */
  now?: () => number
}

/** A {@link BlobStore} on the local file system, plus the HTTP handler that serves its signed URLs. */
export interface FileSystemStorage extends BlobStore {
  /** The root directory. */
  readonly dir: string
  /**
   * Serves signed URLs: `GET`/`HEAD` `…/object/sign/…` returns the object, `PUT`
   * `…/object/upload/sign/…` stores the request body (Content-Type must match the signed one, size
   * ≤ `maxObjectSize`). Anything else is refused. Mount it at `baseUrl` in any server that speaks
   * Fetch `Request`/`Response` (Hono, Next.js route handlers, `node:http` via an adapter).
   */
  handle(request: Request): Promise<Response>
}

interface ObjectMeta {
  contentType: string
  size: number
  etag: string
  lastModified: string
}

/**
 * The embedded-mode {@link BlobStore}: objects are files under `dir/{bucket}/objects/`, their
 * Content-Type in a JSON sidecar under `dir/{bucket}/meta/`, and signed URLs are HMAC-SHA-256 over
 * the object, purpose and expiry (verify them with `verifySignedUrl`, or let
 * {@link FileSystemStorage.handle} serve them). Node-only: import it from `@tripsage/core/storage/fs`.
 *
 * @example
 * const storage = fileSystemStorage({ dir: './.tripsage/files', signingSecret, baseUrl: 'http://localhost:3000/storage' })
 * const tripsage = createTripSage({ db, storage })
 */
export function fileSystemStorage(options: FileSystemStorageOptions): FileSystemStorage {
  const bucket = options.bucket ?? 'attachments'
  assertSafeBucket(bucket)
  const secretBytes =
    typeof options.signingSecret === 'string'
      ? new TextEncoder().encode(options.signingSecret).byteLength
      : options.signingSecret.byteLength
  if (secretBytes < minSigningSecretBytes) {
    throw new ValidationError(`fileSystemStorage: signingSecret must be at least ${minSigningSecretBytes} bytes`)
  }
  let baseUrl: string
  try {
    baseUrl = new URL(options.baseUrl).toString().replace(/\/+$/, '')
  } catch {
    throw new ValidationError('fileSystemStorage: baseUrl must be an absolute URL')
  }
  const maxObjectSize = options.maxObjectSize ?? 10 * 1024 * 1024
  const uploadUrlTtl = options.uploadUrlTtl ?? 7200
  const now = options.now ?? Date.now
  const root = resolve(options.dir)
  const bucketRoot = join(root, bucket)
  const objectsRoot = join(bucketRoot, 'objects')
  const metaRoot = join(bucketRoot, 'meta')
  const tmpRoot = join(bucketRoot, 'tmp')

  /** The file of a key, proven to stay inside its tree (the key check already forbids `..`). */
  function fileOf(tree: string, key: string, suffix = ''): string {
    assertSafeObjectKey(key)
    const file = join(tree, ...key.split('/')) + suffix
    if (!file.startsWith(tree + sep)) {
      throw new ValidationError('Invalid object key', { details: { issues: [{ path: 'path', message: 'escapes' }] } })
    }
    return file
  }

  async function readMeta(key: string): Promise<ObjectMeta | null> {
    try {
      return JSON.parse(await readFile(fileOf(metaRoot, key, '.json'), 'utf8')) as ObjectMeta
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return null
      throw fsError(error, 'read object metadata')
    }
  }

  async function put(key: string, bytes: Uint8Array, contentType: string, upsert: boolean): Promise<void> {
    const target = fileOf(objectsRoot, key)
    const metaFile = fileOf(metaRoot, key, '.json')
    if (bytes.byteLength > maxObjectSize) {
      throw new ValidationError(`The object exceeds the maximum size of ${maxObjectSize} bytes`)
    }
    const tmp = join(tmpRoot, randomUUID())
    try {
      await mkdir(tmpRoot, { recursive: true })
      await mkdir(dirname(target), { recursive: true })
      await writeFile(tmp, bytes)
      if (upsert) {
        await rename(tmp, target)
      } else {
        // link() fails with EEXIST instead of replacing: "create only if absent", atomically.
        await link(tmp, target)
        await unlink(tmp)
      }
    } catch (error) {
      await unlink(tmp).catch(() => undefined)
      if (isErrno(error, 'EEXIST') || isErrno(error, 'ENOTDIR') || isErrno(error, 'EISDIR')) {
        throw new ConflictError('The stored object already exists')
      }
      throw fsError(error, 'write the object')
    }
    const meta: ObjectMeta = {
      contentType,
      size: bytes.byteLength,
      etag: randomUUID(),
      lastModified: new Date(now()).toISOString(),
    }
    try {
      await mkdir(dirname(metaFile), { recursive: true })
      const metaTmp = join(tmpRoot, randomUUID())
      await writeFile(metaTmp, JSON.stringify(meta))
      await rename(metaTmp, metaFile)
    } catch (error) {
      throw fsError(error, 'write object metadata')
    }
  }

  /** Removes now-empty directories between `file` and `tree` (best effort). */
  async function prune(tree: string, file: string): Promise<void> {
    let dir = dirname(file)
    while (dir.startsWith(tree + sep)) {
      try {
        await rmdir(dir)
      } catch {
        return
      }
      dir = dirname(dir)
    }
  }

  const store: FileSystemStorage = {
    bucket,
    dir: root,

    async upload(path: string, body: BlobBody, uploadOptions): Promise<void> {
      assertSafeObjectKey(path)
      await put(path, await blobBodyBytes(body), uploadOptions.contentType, uploadOptions.upsert === true)
    },

    async createSignedUrl(path: string, urlOptions: SignedUrlOptions): Promise<SignedUrl> {
      assertSafeObjectKey(path)
      if (!Number.isInteger(urlOptions.expiresIn) || urlOptions.expiresIn < 1) {
        throw new ValidationError('expiresIn must be a whole number of seconds ≥ 1')
      }
      const expiresAt = Math.floor(now() / 1000) + urlOptions.expiresIn
      const download =
        urlOptions.download === true
          ? (path.split('/').at(-1) ?? null)
          : typeof urlOptions.download === 'string'
            ? urlOptions.download
            : null
      const { url } = await signStorageUrl({
        baseUrl,
        signingSecret: options.signingSecret,
        purpose: 'read',
        bucket,
        path,
        expiresAt,
        download,
      })
      return { url, expiresAt: new Date(expiresAt * 1000).toISOString() }
    },

    async createSignedUploadUrl(path: string, uploadOptions: SignedUploadOptions): Promise<SignedUploadTarget> {
      assertSafeObjectKey(path)
      const expiresAt = Math.floor(now() / 1000) + uploadUrlTtl
      const { url, token } = await signStorageUrl({
        baseUrl,
        signingSecret: options.signingSecret,
        purpose: 'upload',
        bucket,
        path,
        expiresAt,
        upsert: uploadOptions.upsert === true,
        contentType: uploadOptions.contentType,
      })
      return {
        url,
        token,
        bucket,
        path,
        method: 'PUT',
        headers: { 'content-type': uploadOptions.contentType },
        expiresAt: new Date(expiresAt * 1000).toISOString(),
      }
    },

    async remove(paths: readonly string[]): Promise<void> {
      for (const path of paths) assertSafeObjectKey(path)
      for (const path of paths) {
        for (const [tree, file] of [
          [objectsRoot, fileOf(objectsRoot, path)],
          [metaRoot, fileOf(metaRoot, path, '.json')],
        ] as const) {
          try {
            await unlink(file)
          } catch (error) {
            if (!isErrno(error, 'ENOENT')) throw fsError(error, 'remove the object')
          }
          await prune(tree, file)
        }
      }
    },

    async head(path: string): Promise<BlobInfo | null> {
      const file = fileOf(objectsRoot, path)
      let size: number
      try {
        const info = await stat(file)
        if (!info.isFile()) return null
        size = info.size
      } catch (error) {
        if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return null
        throw fsError(error, 'read object info')
      }
      const meta = await readMeta(path)
      return {
        size,
        contentType: meta?.contentType ?? null,
        etag: meta?.etag ?? null,
        lastModified: meta?.lastModified ?? null,
      }
    },

    async read(path: string, readOptions: { maxBytes: number }): Promise<Uint8Array | null> {
      const file = fileOf(objectsRoot, path)
      let handle: Awaited<ReturnType<typeof open>>
      try {
        handle = await open(file, 'r')
      } catch (error) {
        if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR') || isErrno(error, 'EISDIR')) return null
        throw fsError(error, 'read the object')
      }
      try {
        const buffer = new Uint8Array(Math.max(0, readOptions.maxBytes))
        let offset = 0
        while (offset < buffer.byteLength) {
          const { bytesRead } = await handle.read(buffer, offset, buffer.byteLength - offset, offset)
          if (bytesRead === 0) break
          offset += bytesRead
        }
        return buffer.subarray(0, offset)
      } catch (error) {
        throw fsError(error, 'read the object')
      } finally {
        await handle.close()
      }
    },

    async handle(request: Request): Promise<Response> {
      try {
        return await handleSignedRequest(request)
      } catch {
        // A server must not crash on one bad request; nothing about the failure is echoed.
        return storageErrorResponse(500, '500', 'InternalError', 'Internal Server Error')
      }
    },
  }

  async function handleSignedRequest(request: Request): Promise<Response> {
    const check = await verifySignedUrl(request.url, { signingSecret: options.signingSecret, now })
    if (!check.valid) {
      return check.reason === 'expired'
        ? storageErrorResponse(400, '400', 'ExpiredToken', 'The provided token has expired.')
        : storageErrorResponse(400, '403', 'InvalidSignature', 'Invalid signature')
    }
    if (check.bucket !== bucket) return storageErrorResponse(400, '404', 'NoSuchBucket', 'Bucket not found')

    if (check.purpose === 'read') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed('GET, HEAD')
      const meta = await readMeta(check.path)
      let bytes: Uint8Array
      try {
        bytes = await readFile(fileOf(objectsRoot, check.path))
      } catch (error) {
        if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) {
          return storageErrorResponse(400, '404', 'NoSuchKey', 'Object not found')
        }
        throw fsError(error, 'read the object')
      }
      const headers = new Headers({
        'content-type': meta?.contentType ?? 'application/octet-stream',
        'content-length': String(bytes.byteLength),
        // Never let a browser reinterpret or run what it downloads from here.
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': 'private, no-store',
        'content-disposition': contentDisposition(check.download),
      })
      if (meta?.etag) headers.set('etag', `"${meta.etag}"`)
      return new Response(request.method === 'HEAD' ? null : (bytes as Uint8Array<ArrayBuffer>), {
        status: 200,
        headers,
      })
    }

    if (request.method !== 'PUT') return methodNotAllowed('PUT')
    const contentType = request.headers.get('content-type') ?? ''
    if (check.contentType !== null && normalizeContentType(contentType) !== normalizeContentType(check.contentType)) {
      return storageErrorResponse(400, '415', 'InvalidMimeType', 'The Content-Type does not match the signed upload')
    }
    const declaredLength = Number(request.headers.get('content-length') ?? Number.NaN)
    if (Number.isFinite(declaredLength) && declaredLength > maxObjectSize) {
      return storageErrorResponse(400, '413', 'EntityTooLarge', 'The object exceeded the maximum allowed size')
    }
    const bytes = await readBodyWithLimit(request, maxObjectSize)
    if (bytes === null) {
      return storageErrorResponse(400, '413', 'EntityTooLarge', 'The object exceeded the maximum allowed size')
    }
    try {
      await put(check.path, bytes, check.contentType ?? (contentType || 'application/octet-stream'), check.upsert)
    } catch (error) {
      if (TripSageError.isInstance(error) && error.code === 'conflict') {
        return storageErrorResponse(400, '409', 'Duplicate', 'The resource already exists')
      }
      throw error
    }
    return Response.json({ Key: `${bucket}/${check.path}` }, { status: 200 })
  }

  return store
}

/** Reads a request body, giving up (null) as soon as it exceeds `limit` bytes. */
async function readBodyWithLimit(request: Request, limit: number): Promise<Uint8Array | null> {
  if (!request.body) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await reader.cancel().catch(() => undefined)
      return null
    }
    chunks.push(value)
  }
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

function normalizeContentType(value: string): string {
  return (value.split(';')[0] ?? '').trim().toLowerCase()
}

/** `attachment; filename="…"` with an ASCII fallback and the RFC 5987 form, or `inline`. */
function contentDisposition(download: string | null): string {
  if (download === null) return 'inline'
  const ascii = download.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200) || 'download'
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(download.slice(0, 200))}`
}

/** An error body shaped like Supabase Storage's (HTTP 400 with the logical status inside). */
function storageErrorResponse(httpStatus: number, statusCode: string, code: string, message: string): Response {
  return Response.json({ statusCode, code, error: code, message }, { status: httpStatus })
}

function methodNotAllowed(allow: string): Response {
  return new Response(null, { status: 405, headers: { allow } })
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code
}

/** A file-system failure without its message (which names paths on the server). */
function fsError(error: unknown, action: string): TripSageError {
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined
  const cause = { name: error instanceof Error ? error.name : 'Error', ...(code ? { code } : {}) }
  if (code === 'ENOSPC' || code === 'EMFILE' || code === 'EBUSY' || code === 'EAGAIN') {
    return new UnavailableError(`File storage is unavailable (could not ${action})`, { cause })
  }
  return new TripSageError('internal', `File storage failed (could not ${action})`, { cause })
}
