import { TripSageError, type TripSageErrorCode } from '@tripsage/core'
import { NON_RETRYABLE_STATUS } from './responses.js'

/** How a failure of a job's `run` is answered. */
export interface MappedFailure {
  /** The HTTP status. */
  status: number
  /** The stable code. */
  code: TripSageErrorCode
  /** A sentence safe to return (a `TripSageError` message, never row data). */
  message: string
  /** False for 489: QStash sends the message to the DLQ at once. */
  retryable: boolean
}

/**
 * Maps what a job threw to a response. Retrying cannot fix `validation`, `not_found`,
 * `forbidden` or `unauthorized` (489, non-retryable; the last one reported as `forbidden`); `conflict` (409), `rate_limited` (429), `unavailable` (503) and
 * anything unexpected (500) are retried by QStash.
 *
 * @param error - whatever `run` threw
 */
export function mapJobError(error: unknown): MappedFailure {
  if (!TripSageError.isInstance(error)) {
    return { status: 500, code: 'internal', message: 'The job failed unexpectedly', retryable: true }
  }
  const { code, message } = error
  switch (code) {
    case 'validation':
    case 'not_found':
    case 'forbidden':
      return { status: NON_RETRYABLE_STATUS, code, message, retryable: false }
    // The delivery itself was authentic; credentials the job used were refused. Retrying cannot
    // fix that, and `private.job_failures` keeps the original seven codes: record it as forbidden.
    case 'unauthorized':
      return { status: NON_RETRYABLE_STATUS, code: 'forbidden', message, retryable: false }
    case 'conflict':
      return { status: 409, code, message, retryable: true }
    case 'rate_limited':
      return { status: 429, code, message, retryable: true }
    case 'unavailable':
      return { status: 503, code, message, retryable: true }
    default:
      return { status: 500, code: 'internal', message, retryable: true }
  }
}
