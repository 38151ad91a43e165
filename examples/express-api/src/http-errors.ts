import { TripSageError, type TripSageErrorCode } from '@tripsage/core'

/** The HTTP status of each stable error code. */
export const statusOfCode: Record<TripSageErrorCode, number> = {
  validation: 400,
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
}

/**
 * The response for a thrown error: a `TripSageError` becomes its status and `toJSON()` (safe to
 * return: no row data, no secrets); anything else is a bare 500 — its message is never echoed.
 */
export function errorResponse(error: unknown): { status: number; body: unknown; retryAfter?: number } {
  if (!TripSageError.isInstance(error)) {
    return { status: 500, body: { error: { code: 'internal', message: 'Internal error' } } }
  }
  const retry = error.details?.retryAfterSeconds
  return {
    status: statusOfCode[error.code],
    body: { error: error.toJSON() },
    ...(typeof retry === 'number' ? { retryAfter: retry } : {}),
  }
}
