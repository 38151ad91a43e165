/** A thrown error as an HTTP response: a `TripSageError` keeps its code and safe message, anything else is a bare 500. */
import { TripSageError, type TripSageErrorCode } from '@tripsage/core'

const statusOfCode: Record<TripSageErrorCode, number> = {
  validation: 400,
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
}

/** A JSON error response for anything thrown. */
export function errorResponse(error: unknown): Response {
  if (!TripSageError.isInstance(error)) {
    return Response.json({ error: { code: 'internal', message: 'Internal error' } }, { status: 500 })
  }
  const retry = error.details?.retryAfterSeconds
  return Response.json(
    { error: error.toJSON() },
    { status: statusOfCode[error.code], headers: typeof retry === 'number' ? { 'Retry-After': String(retry) } : {} },
  )
}
