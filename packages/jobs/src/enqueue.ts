import { ValidationError } from '@tripsage/core'

/**
 * What {@link enqueueJob} sends: the subset of `@upstash/qstash`'s `PublishRequest` the SDK uses
 * (a URL destination, a JSON body and a deduplication id).
 */
export interface PublishJsonRequest {
  /** The job route's public URL. */
  url: string
  /** The payload, serialised with `JSON.stringify`. */
  body: unknown
  /** QStash drops a second message with this id (accepting it with the first message's id). */
  deduplicationId?: string
  /** How many times QStash retries a failed delivery (pass the same number as the handler's `maxRetries`). */
  retries?: number
  /** Delay before the first delivery, in seconds. */
  delay?: number
  /** Extra headers forwarded to the route. */
  headers?: Record<string, string>
  /** Labels for QStash's logs. */
  label?: string
}

/** What a publish resolves with (QStash: `{ messageId, url, deduplicated? }`). */
export interface PublishJsonResponse {
  /** The message id every delivery carries as `Upstash-Message-Id`. */
  messageId: string
  /** True when QStash (or the embedded queue) dropped it as a duplicate of an earlier message. */
  deduplicated?: boolean
}

/**
 * The slice of a QStash `Client` the SDK publishes through: `new Client({ token })` satisfies it,
 * and so does the embedded queue (`createEmbeddedQueue()`).
 */
export interface JobPublisher {
  /** Publishes one JSON message to a URL. */
  publishJSON(request: PublishJsonRequest): Promise<PublishJsonResponse>
}

/** Input of {@link enqueueJob}. */
export interface EnqueueJobInput {
  /** The job route's public URL (QStash signs it; the handler checks it). */
  url: string
  /** The JSON payload. */
  body: unknown
  /**
   * The business key: QStash deduplicates on it (publish-side) and the handler's `key` should
   * return the same string (delivery-side). Required: a publish retried after a timeout must not
   * become two jobs.
   */
  deduplicationId: string
  /** QStash retries (default 3; keep it equal to the handler's `maxRetries`). */
  retries?: number
  /** Delay before the first delivery, in seconds. */
  delay?: number
  /** A label for QStash's logs, e.g. `tripsage:memory-sync`. */
  label?: string
}

/** What {@link enqueueJob} resolves with. */
export interface EnqueuedJob {
  /** QStash's message id. */
  messageId: string
  /** The deduplication id sent. */
  deduplicationId: string
  /** True when an earlier message with the same deduplication id was found. */
  deduplicated: boolean
}

const deduplicationIdPattern = /^[\x21-\x7e]{1,512}$/

/**
 * Publishes one job through a QStash `Client` (or the embedded queue) with a deduplication id.
 * Errors from the publisher propagate: publish from an outbox (`relayOutbox`) when losing the job
 * is not acceptable.
 *
 * @param publisher - `new Client({ token })` or `createEmbeddedQueue()`
 * @param input - URL, body, deduplication id and delivery options
 */
export async function enqueueJob(publisher: JobPublisher, input: EnqueueJobInput): Promise<EnqueuedJob> {
  if (!deduplicationIdPattern.test(input.deduplicationId)) {
    throw new ValidationError('A deduplication id must be 1–512 printable ASCII characters without spaces')
  }
  if (!URL.canParse(input.url)) throw new ValidationError('The job URL must be an absolute URL')
  const response = await publisher.publishJSON({
    url: input.url,
    body: input.body,
    deduplicationId: input.deduplicationId,
    retries: input.retries ?? 3,
    headers: { 'Content-Type': 'application/json' },
    ...(input.delay === undefined ? {} : { delay: input.delay }),
    ...(input.label === undefined ? {} : { label: input.label }),
  })
  return {
    messageId: response.messageId,
    deduplicationId: input.deduplicationId,
    deduplicated: response.deduplicated === true,
  }
}
