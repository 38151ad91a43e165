import { TripSageError } from '../errors.js'

/** Errors worth another attempt: not the caller's fault and not a final answer. */
function isRetryable(error: unknown): boolean {
  if (!TripSageError.isInstance(error)) return true
  return error.code === 'unavailable' || error.code === 'internal' || error.code === 'rate_limited'
}

/**
 * Runs `fn` up to `attempts` times with a short linear backoff, retrying only failures that are not
 * the caller's (validation, not_found, forbidden and conflict end at once). Used for the storage
 * and row deletions that must not leave one side of an attachment behind.
 *
 * @param fn - the idempotent operation
 * @param attempts - total attempts (default 3)
 * @param delayMs - backoff step (default 50 ms)
 */
export async function retryIdempotent<T>(fn: () => Promise<T>, attempts = 3, delayMs = 50): Promise<T> {
  let last: unknown
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await fn()
    } catch (error) {
      last = error
      if (attempt === attempts || !isRetryable(error)) break
      await new Promise((resolve) => setTimeout(resolve, delayMs * attempt))
    }
  }
  throw last
}
