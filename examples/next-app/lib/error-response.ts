/**
 * What a route handler answers for anything thrown. A `TripSageError` the client can act on
 * becomes its status and `toJSON()` (no row data, no secrets); anything else is logged here, on
 * the server, under a reference that the client gets with a generic sentence — never the original
 * message.
 */
import { TripSageError, type TripSageErrorCode } from '@tripsage/core'

const statusOfCode: Record<TripSageErrorCode, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
}

/** Where the server reports what the client must not see (stderr; swap in your logger). */
function logServerError(message: string, context: Record<string, unknown>, error: unknown): void {
  console.error(`[next-app] ${message}`, context, error)
}

/** A JSON error response for anything thrown; `where` names the route for the server log. */
export function errorResponse(error: unknown, where = 'route'): Response {
  if (!TripSageError.isInstance(error) || error.code === 'internal') {
    const reference = crypto.randomUUID()
    logServerError('unexpected error', { where, reference }, error)
    return Response.json(
      {
        error: {
          code: 'internal',
          message: 'Something went wrong on our side. Quote the reference if you report it.',
          reference,
        },
      },
      { status: 500 },
    )
  }
  if (error.code === 'unavailable') logServerError('dependency unavailable', { where }, error)
  const retry = error.details?.retryAfterSeconds
  return Response.json(
    { error: error.toJSON() },
    { status: statusOfCode[error.code], headers: typeof retry === 'number' ? { 'Retry-After': String(retry) } : {} },
  )
}
