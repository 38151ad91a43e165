import { randomUUID } from 'node:crypto'
import { TripSageError, type TripSageErrorCode } from '@tripsage/core'

/** The HTTP status of each stable error code. */
export const statusOfCode: Record<TripSageErrorCode, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
}

/** Where unexpected failures are reported (default `console.error`); tests pass their own. */
export type ServerLog = (message: string, context: Record<string, unknown>, error: unknown) => void

/** The request an error belongs to, for the server log: never the body or the query string. */
export interface FailedRequest {
  readonly method: string
  /** The route pattern (`/trips/:tripId`) or the path without its query string. */
  readonly route: string
}

/** The JSON body of every error response. */
export interface ErrorBody {
  readonly error: {
    readonly name?: string
    readonly code: TripSageErrorCode
    readonly message: string
    readonly details?: Record<string, unknown>
    /** Unexpected failures only: what the server logged the failure under. */
    readonly reference?: string
  }
}

/** The response for a thrown error. */
export interface ErrorResult {
  readonly status: number
  readonly body: ErrorBody
  readonly retryAfter?: number
}

/**
 * The response for a thrown error. A `TripSageError` the client can act on (validation, auth,
 * not found, conflict, rate limit) becomes its status and `toJSON()` — safe to return: no row
 * data, no secrets. Anything else (a bug, an `internal` error, a dependency down) is logged on the
 * server with a reference, and the client gets a sentence and that reference — never the
 * original message, which may hold row data or driver detail.
 */
export function errorResponse(error: unknown, request: FailedRequest, log: ServerLog): ErrorResult {
  if (TripSageError.isInstance(error) && error.code !== 'internal') {
    const retry = error.details?.retryAfterSeconds
    if (error.code === 'unavailable') log('dependency unavailable', { ...request, code: error.code }, error)
    return {
      status: statusOfCode[error.code],
      body: { error: error.toJSON() },
      ...(typeof retry === 'number' ? { retryAfter: retry } : {}),
    }
  }
  const reference = randomUUID()
  log('unexpected error', { ...request, reference }, error)
  return {
    status: 500,
    body: {
      error: {
        code: 'internal',
        message: 'Something went wrong on our side. Quote the reference if you report it.',
        reference,
      },
    },
  }
}

/** Logs to stderr: the context, then the error with its stack (server side only). */
export const consoleLog: ServerLog = (message, context, error) => {
  console.error(`[express-api] ${message}`, context, error)
}
