import { ValidationError } from '../errors.js'

/**
 * One path segment of an object key: ASCII letters, digits, `.`, `_` and `-`, starting with a
 * letter or digit, never containing `..`. This rules out `/`, `\`, NUL, `?`, `#`, `%`, spaces,
 * non-ASCII and the `.`/`..` segments before a key reaches a URL or a file system.
 */
const segmentPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/

/** The longest key accepted (Supabase Storage's own limit on `name` is larger; ours is the table's). */
export const maxObjectKeyLength = 1024

/**
 * True when `key` is a safe object key: 1–{@link maxObjectKeyLength} characters of `/`-separated
 * segments, each matching `[A-Za-z0-9][A-Za-z0-9._-]*` without `..`.
 *
 * @param key - an object key relative to its bucket
 */
export function isSafeObjectKey(key: string): boolean {
  if (typeof key !== 'string' || key.length === 0 || key.length > maxObjectKeyLength) return false
  return key.split('/').every((segment) => segmentPattern.test(segment) && !segment.includes('..'))
}

/**
 * Throws a `validation` error unless `key` passes {@link isSafeObjectKey}. Storage adapters call it
 * before any I/O, so a bad key never reaches a URL or a path on disk. The key itself is not echoed.
 *
 * @param key - an object key relative to its bucket
 */
export function assertSafeObjectKey(key: string): void {
  if (!isSafeObjectKey(key)) {
    throw new ValidationError('Invalid object key', {
      details: { issues: [{ path: 'path', message: 'object keys are /-separated [A-Za-z0-9._-] segments' }] },
    })
  }
}

/** Bucket ids as Supabase accepts them, restricted to what is also safe in a URL and a directory name. */
const bucketPattern = /^[a-z0-9][a-z0-9_-]{0,62}$/

/**
 * True when `bucket` is a lower-case bucket id (`[a-z0-9][a-z0-9_-]*`, at most 63 characters).
 *
 * @param bucket - a bucket id
 */
export function isSafeBucket(bucket: string): boolean {
  return typeof bucket === 'string' && bucketPattern.test(bucket)
}

/**
 * Throws a `validation` error unless `bucket` passes {@link isSafeBucket}.
 *
 * @param bucket - a bucket id
 */
export function assertSafeBucket(bucket: string): void {
  if (!isSafeBucket(bucket)) {
    throw new ValidationError('Invalid bucket name', {
      details: { issues: [{ path: 'bucket', message: 'bucket ids are [a-z0-9][a-z0-9_-]*, at most 63 characters' }] },
    })
  }
}
