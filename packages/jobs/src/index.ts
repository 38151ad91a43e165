/**
 * `@tripsage/jobs` — QStash job handlers (`Request → Response`) for TripSage.
 *
 * @packageDocumentation
 * @module @tripsage/jobs
 */
export { NON_RETRYABLE_STATUS, nonRetryableResponse } from './responses.js'
