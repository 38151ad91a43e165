import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  TripSageError,
  UnavailableError,
  ValidationError,
} from '../errors.js'

/**
 * What the SDK keeps of a storage failure: identifiers only. The message is dropped because
 * Supabase Storage puts the object key or request details there.
 */
export interface StorageErrorInfo {
  /** The error class name, e.g. `StorageApiError`. */
  name?: string
  /** The HTTP status of the response. */
  status?: number
  /** Supabase Storage's `statusCode` (the logical status, e.g. `"404"` inside an HTTP 400). */
  statusCode?: string
  /** Supabase Storage's error code, e.g. `NoSuchKey`, `ResourceAlreadyExists`. */
  code?: string
}

/** Reads the identifying fields of a storage-js error (or any thrown value). */
export function storageErrorInfo(error: unknown): StorageErrorInfo {
  if (typeof error !== 'object' || error === null) return {}
  const e = error as Record<string, unknown>
  const info: StorageErrorInfo = {}
  if (typeof e.name === 'string') info.name = e.name
  if (typeof e.status === 'number') info.status = e.status
  if (typeof e.statusCode === 'string' && /^\d{3}$/.test(e.statusCode)) info.statusCode = e.statusCode
  if (typeof e.code === 'string' && /^[A-Za-z_]{1,64}$/.test(e.code)) info.code = e.code
  return info
}

/** The logical HTTP status of a storage failure (Supabase reports most of them inside an HTTP 400). */
function logicalStatus(info: StorageErrorInfo): number | undefined {
  const fromBody = info.statusCode ? Number(info.statusCode) : Number.NaN
  return Number.isFinite(fromBody) ? fromBody : info.status
}

/** True when a storage failure means "no such object". */
export function isMissingObject(error: unknown): boolean {
  const info = storageErrorInfo(error)
  if (info.code === 'NoSuchKey') return true
  return logicalStatus(info) === 404 && info.code !== 'NoSuchBucket'
}

/**
 * Maps a storage failure to a {@link TripSageError} without its message.
 *
 * @param error - whatever the storage client returned or threw
 * @param action - what was attempted, for the message (e.g. `"upload the object"`)
 */
export function toStorageError(error: unknown, action: string): TripSageError {
  if (TripSageError.isInstance(error)) return error
  const info = storageErrorInfo(error)
  const options = { cause: info, details: { storage: info } }
  const status = logicalStatus(info)
  if (status === undefined || info.name === 'StorageUnknownError') {
    return new UnavailableError(`Storage is unavailable (could not ${action})`, options)
  }
  if (info.code === 'NoSuchBucket') {
    return new TripSageError('internal', `The storage bucket does not exist (could not ${action})`, options)
  }
  if (status === 404) return new NotFoundError(`The stored object does not exist (could not ${action})`, options)
  if (status === 409 || status === 423) {
    return new ConflictError(`The stored object already exists or is locked (could not ${action})`, options)
  }
  if (status === 401 || status === 403 || info.code === 'InvalidJWT' || info.code === 'AccessDenied') {
    return new ForbiddenError(`Storage refused access (could not ${action})`, options)
  }
  if (status === 413 || status === 415 || info.code === 'InvalidKey' || info.code === 'InvalidMimeType') {
    return new ValidationError(`Storage refused the object (could not ${action})`, options)
  }
  if (status === 429) return new RateLimitedError(`Storage is rate limiting (could not ${action})`, options)
  if (status >= 500) return new UnavailableError(`Storage is unavailable (could not ${action})`, options)
  return new TripSageError('internal', `Unexpected storage failure (could not ${action})`, options)
}
