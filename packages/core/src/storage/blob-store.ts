/**
 * Bytes accepted by {@link BlobStore.upload}: what a route handler usually holds (a `File` from
 * `request.formData()`, a `Blob`, or raw bytes).
 */
export type BlobBody = Uint8Array | ArrayBuffer | Blob

/** What {@link BlobStore.head} reports about a stored object. */
export interface BlobInfo {
  /** Size in bytes. */
  readonly size: number
  /** The Content-Type the object was stored with, or null when the store does not know it. */
  readonly contentType: string | null
  /** An opaque version tag, when the store has one. */
  readonly etag: string | null
  /** Last modification, ISO 8601, when the store has one. */
  readonly lastModified: string | null
}

/** A signed, time-limited URL to read one object. */
export interface SignedUrl {
  /** The URL; anyone holding it can read the object until `expiresAt`. */
  readonly url: string
  /** When the URL stops working, ISO 8601. */
  readonly expiresAt: string
}

/**
 * Where and how a client uploads one object without credentials: `PUT` the bytes to `url` with
 * `headers` (the same target `supabase.storage.from(bucket).uploadToSignedUrl(path, token, file)`
 * uses on Supabase).
 */
export interface SignedUploadTarget {
  /** The URL to `PUT` the bytes to (it embeds `token`). */
  readonly url: string
  /** The upload token, for `uploadToSignedUrl(path, token, file)`. */
  readonly token: string
  /** The bucket the object goes into. */
  readonly bucket: string
  /** The object key inside the bucket. */
  readonly path: string
  /** Always `PUT`. */
  readonly method: 'PUT'
  /** Headers the client must send (at least the declared Content-Type). */
  readonly headers: Readonly<Record<string, string>>
  /** When the target stops accepting uploads, ISO 8601. */
  readonly expiresAt: string
}

/** Options of {@link BlobStore.upload}. */
export interface BlobUploadOptions {
  /** Stored with the object and served back on download. */
  contentType: string
  /** Replace an existing object at the same key (default false: a second upload is a `conflict`). */
  upsert?: boolean
}

/** Options of {@link BlobStore.createSignedUrl}. */
export interface SignedUrlOptions {
  /** Lifetime in seconds (≥ 1). */
  expiresIn: number
  /**
   * Serve as an attachment (`Content-Disposition: attachment`): `true` keeps the object's file
   * name, a string names the downloaded file. Default: inline.
   */
  download?: boolean | string
}

/** Options of {@link BlobStore.createSignedUploadUrl}. */
export interface SignedUploadOptions {
  /** The Content-Type the client must send; echoed in {@link SignedUploadTarget.headers}. */
  contentType: string
  /** Allow replacing an existing object (default false). */
  upsert?: boolean
}

/**
 * The storage port: one bucket of an object store. Keys are relative to the bucket, `/`-separated,
 * and must pass `assertSafeObjectKey` (adapters check again before any I/O).
 *
 * Adapters: `supabaseStorage(client)` (Supabase Storage through `@supabase/supabase-js`) and
 * `fileSystemStorage({ dir, signingSecret, baseUrl })` from `@tripsage/core/storage/fs` (embedded
 * mode). Every method throws a `TripSageError` (`not_found`, `conflict`, `forbidden`,
 * `validation`, `unavailable`, `internal`) whose message and cause carry no object bytes.
 */
export interface BlobStore {
  /** The bucket this store writes to (recorded on every attachment row). */
  readonly bucket: string
  /** Stores bytes at `path`. */
  upload(path: string, body: BlobBody, options: BlobUploadOptions): Promise<void>
  /** A time-limited URL to read the object at `path`. */
  createSignedUrl(path: string, options: SignedUrlOptions): Promise<SignedUrl>
  /** A time-limited target a client can `PUT` the object's bytes to. */
  createSignedUploadUrl(path: string, options: SignedUploadOptions): Promise<SignedUploadTarget>
  /** Deletes the objects at `paths`; keys that do not exist are ignored (idempotent). */
  remove(paths: readonly string[]): Promise<void>
  /** Size and Content-Type of the object at `path`, or null when there is none. */
  head(path: string): Promise<BlobInfo | null>
  /**
   * The first `maxBytes` bytes of the object at `path` (all of it when shorter), or null when there
   * is none. Used to check an upload's leading bytes (its "magic number") against its declared type.
   */
  read(path: string, options: { maxBytes: number }): Promise<Uint8Array | null>
}

/** Copies any {@link BlobBody} into a `Uint8Array`. */
export async function blobBodyBytes(body: BlobBody): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  return new Uint8Array(await body.arrayBuffer())
}
