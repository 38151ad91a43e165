/**
 * The status QStash treats as "do not retry": with `Upstash-NonRetryable-Error: true` the message
 * goes straight to the dead-letter queue instead of being retried.
 */
export const NON_RETRYABLE_STATUS = 489

/**
 * A JSON response that tells QStash not to retry (bad payload, schema failure, batch too large).
 *
 * @param code - a stable error code, e.g. `validation`
 * @param message - a sentence without payload data or secrets
 */
export function nonRetryableResponse(code: string, message: string): Response {
  return Response.json(
    { error: { code, message } },
    { status: NON_RETRYABLE_STATUS, headers: { 'Upstash-NonRetryable-Error': 'true' } },
  )
}
