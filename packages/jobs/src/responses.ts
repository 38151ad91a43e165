import type { TripSageErrorCode } from '@tripsage/core'

/**
 * The status QStash treats as "do not retry": with `Upstash-NonRetryable-Error: true` the message
 * goes straight to the dead-letter queue instead of being retried.
 */
export const NON_RETRYABLE_STATUS = 489

/** The JSON body of every error response of a job handler. */
export interface JobErrorBody {
  /** What went wrong. */
  error: {
    /** The stable code to branch on. */
    code: TripSageErrorCode
    /** A sentence without payload data or secrets. */
    message: string
  }
}

/**
 * A JSON response that tells QStash not to retry (bad payload, schema failure, batch too large).
 *
 * @param code - a stable error code, e.g. `validation`
 * @param message - a sentence without payload data or secrets
 */
export function nonRetryableResponse(code: TripSageErrorCode, message: string): Response {
  return Response.json({ error: { code, message } } satisfies JobErrorBody, {
    status: NON_RETRYABLE_STATUS,
    headers: { 'Upstash-NonRetryable-Error': 'true' },
  })
}

/**
 * A JSON error response QStash retries (any status outside 2xx other than a 489 marked
 * non-retryable), with `Retry-After` when given.
 *
 * @param status - 401, 409, 429, 500, 503…
 * @param code - a stable error code
 * @param message - a sentence without payload data or secrets
 * @param retryAfterSeconds - sent as `Retry-After`
 */
export function errorResponse(
  status: number,
  code: TripSageErrorCode,
  message: string,
  retryAfterSeconds?: number,
): Response {
  const headers: Record<string, string> = {}
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds)
  return Response.json({ error: { code, message } } satisfies JobErrorBody, { status, headers })
}
