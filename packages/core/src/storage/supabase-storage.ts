import { TripSageError } from '../errors.js'
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
import { isMissingObject, toStorageError } from './storage-error.js'

/** The `{ data, error }` result every storage-js call resolves to. */
interface StorageResult<T> {
  data: T | null
  error: unknown
}

/**
 * The slice of storage-js's `StorageFileApi` (`supabase.storage.from(bucket)`) the adapter uses.
 * Typed structurally so the SDK does not depend on `@supabase/supabase-js` at runtime.
 */
export interface SupabaseBucketApi {
  /** Stores `body` at `path`. */
  upload(
    path: string,
    body: Uint8Array,
    options?: { contentType?: string; upsert?: boolean; cacheControl?: string },
  ): PromiseLike<StorageResult<unknown>>
  /** A time-limited read URL (`download` sets Content-Disposition). */
  createSignedUrl(
    path: string,
    expiresIn: number,
    options?: { download?: string | boolean },
  ): PromiseLike<
    StorageResult<{
      /** The URL to GET. */
      signedUrl: string
    }>
  >
  /** A URL the client can PUT the object to, once. */
  createSignedUploadUrl(
    path: string,
    options?: { upsert: boolean },
  ): PromiseLike<
    StorageResult<{
      /** The URL to PUT to. */
      signedUrl: string
      /** The upload token in that URL (for `uploadToSignedUrl`). */
      token: string
      /** The object key. */
      path: string
    }>
  >
  /** Deletes objects. */
  remove(paths: string[]): PromiseLike<StorageResult<unknown>>
  /** An object's metadata. */
  info(path: string): PromiseLike<
    StorageResult<{
      /** Bytes. */
      size?: number | null
      /** The stored Content-Type. */
      contentType?: string | null
      /** The object's ETag. */
      etag?: string | null
      /** ISO timestamp. */
      lastModified?: string | null
    }>
  >
  /** Reads an object. */
  download(path: string): {
    /** The object's bytes as a stream. */
    asStream(): PromiseLike<StorageResult<ReadableStream<Uint8Array>>>
  }
}

/**
 * The narrowest slice of a `SupabaseClient` (from `createClient(url, key)`) the adapter needs:
 * `client.storage.from(bucket)`.
 */
export interface SupabaseStorageClient {
  /** `supabase.storage`. */
  readonly storage: {
    /** The API of one bucket. */
    from(bucket: string): SupabaseBucketApi
  }
}

/** Options of {@link supabaseStorage}. */
export interface SupabaseStorageOptions {
  /** The bucket (default `attachments`, the private bucket the migrations create). */
  bucket?: string
  /** The clock, epoch milliseconds (default `Date.now`); used for `expiresAt`. */
  now?: () => number
}

/** Supabase Storage's default lifetime of a signed upload URL (`UPLOAD_SIGNED_URL_EXPIRATION_TIME`). */
const defaultSignedUploadSeconds = 2 * 60 * 60

/**
 * The {@link BlobStore} over Supabase Storage, through a real `@supabase/supabase-js` client.
 *
 * Pass a **server-side** client (the service-role key, or the secret key): the SDK authorises every
 * call against the attachment row under RLS first, and trip collaborators must be able to read
 * objects stored under the owner's folder, which the `storage.objects` policies alone would refuse.
 *
 * @example
 * const supabase = createClient(url, serviceRoleKey, { auth: { persistSession: false } })
 * const tripsage = createTripSage({ db, storage: supabaseStorage(supabase) })
 */
export function supabaseStorage(client: SupabaseStorageClient, options: SupabaseStorageOptions = {}): BlobStore {
  const bucket = options.bucket ?? 'attachments'
  assertSafeBucket(bucket)
  const now = options.now ?? Date.now
  const api = () => client.storage.from(bucket)

  /** Runs a storage-js call; a thrown error (network, `throwOnError`) is mapped like a returned one. */
  async function call<T>(action: string, run: () => PromiseLike<StorageResult<T>>): Promise<StorageResult<T>> {
    try {
      return await run()
    } catch (error) {
      throw toStorageError(error, action)
    }
  }

  return {
    bucket,

    async upload(path: string, body: BlobBody, uploadOptions): Promise<void> {
      assertSafeObjectKey(path)
      const bytes = await blobBodyBytes(body)
      const { error } = await call('upload the object', () =>
        api().upload(path, bytes, { contentType: uploadOptions.contentType, upsert: uploadOptions.upsert === true }),
      )
      if (error) throw toStorageError(error, 'upload the object')
    },

    async createSignedUrl(path: string, urlOptions: SignedUrlOptions): Promise<SignedUrl> {
      assertSafeObjectKey(path)
      const issuedAt = now()
      const { data, error } = await call('sign a download URL', () =>
        api().createSignedUrl(
          path,
          urlOptions.expiresIn,
          urlOptions.download === undefined ? undefined : { download: urlOptions.download },
        ),
      )
      if (error || !data?.signedUrl) throw toStorageError(error, 'sign a download URL')
      return { url: data.signedUrl, expiresAt: new Date(issuedAt + urlOptions.expiresIn * 1000).toISOString() }
    },

    async createSignedUploadUrl(path: string, uploadOptions: SignedUploadOptions): Promise<SignedUploadTarget> {
      assertSafeObjectKey(path)
      const issuedAt = now()
      const { data, error } = await call('sign an upload URL', () =>
        api().createSignedUploadUrl(path, { upsert: uploadOptions.upsert === true }),
      )
      if (error || !data?.signedUrl || !data.token) throw toStorageError(error, 'sign an upload URL')
      const expiresAtSeconds = jwtExpiry(data.token) ?? Math.floor(issuedAt / 1000) + defaultSignedUploadSeconds
      return {
        url: data.signedUrl,
        token: data.token,
        bucket,
        path,
        method: 'PUT',
        headers: { 'content-type': uploadOptions.contentType },
        expiresAt: new Date(expiresAtSeconds * 1000).toISOString(),
      }
    },

    async remove(paths: readonly string[]): Promise<void> {
      if (paths.length === 0) return
      for (const path of paths) assertSafeObjectKey(path)
      const { error } = await call('remove objects', () => api().remove([...paths]))
      if (error) throw toStorageError(error, 'remove objects')
    },

    async head(path: string): Promise<BlobInfo | null> {
      assertSafeObjectKey(path)
      const { data, error } = await call('read object info', () => api().info(path))
      if (error) {
        if (isMissingObject(error)) return null
        throw toStorageError(error, 'read object info')
      }
      if (!data) throw new TripSageError('internal', 'Storage returned no object info')
      return {
        size: typeof data.size === 'number' ? data.size : Number(data.size ?? Number.NaN),
        contentType: data.contentType ?? null,
        etag: data.etag ?? null,
        lastModified: data.lastModified ?? null,
      }
    },

    async read(path: string, readOptions: { maxBytes: number }): Promise<Uint8Array | null> {
      assertSafeObjectKey(path)
      const { data, error } = await call('download the object', () => api().download(path).asStream())
      if (error) {
        if (isMissingObject(error)) return null
        throw toStorageError(error, 'download the object')
      }
      if (!data) return new Uint8Array(0)
      try {
        return await readPrefix(data, readOptions.maxBytes)
      } catch (streamError) {
        throw toStorageError(streamError, 'download the object')
      }
    },
  }
}

/** Reads at most `maxBytes` from a stream, then cancels it so the rest is never transferred. */
async function readPrefix(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    while (total < maxBytes) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      total += value.byteLength
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  const out = new Uint8Array(Math.min(total, maxBytes))
  let offset = 0
  for (const chunk of chunks) {
    const take = Math.min(chunk.byteLength, out.byteLength - offset)
    out.set(chunk.subarray(0, take), offset)
    offset += take
    if (offset >= out.byteLength) break
  }
  return out
}

/** The `exp` claim of a JWT (Supabase's signed upload token), or null when it is not one. */
function jwtExpiry(token: string): number | null {
  const payload = token.split('.')[1]
  if (!payload) return null
  try {
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown }
    return typeof json.exp === 'number' && Number.isFinite(json.exp) ? json.exp : null
  } catch {
    return null
  }
}
