/**
 * `@tripsage/jobs` — QStash job handlers (`Request → Response`) for TripSage: verify the
 * signature, validate the payload, stay idempotent, run, answer. Memory sync first.
 *
 * @packageDocumentation
 * @module @tripsage/jobs
 */
export {
  createEmbeddedQueue,
  type DeadLetter,
  type Delivery,
  type EmbeddedQueue,
  type EmbeddedQueueOptions,
} from './embedded-queue.js'
export {
  type EnqueuedJob,
  type EnqueueJobInput,
  enqueueJob,
  type JobPublisher,
  type PublishJsonRequest,
  type PublishJsonResponse,
} from './enqueue.js'
export { type MappedFailure, mapJobError } from './error-mapping.js'
export { recordJobFailure } from './failures.js'
export {
  createJobHandler,
  DEFAULT_MAX_BATCH,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_RETRIES,
  type JobContext,
  type JobFailure,
  type JobHandler,
  type JobHandlerOptions,
} from './handler.js'
export { memorySyncBusinessKey } from './memory-sync/business-key.js'
export { EnqueueMemorySyncInput, enqueueMemorySync } from './memory-sync/enqueue.js'
export { createMemorySyncHandler, MEMORY_SYNC_JOB, type MemorySyncHandlerOptions } from './memory-sync/handler.js'
export {
  classifierExtractor,
  type LongTermClassifier,
  type LongTermMemoryDecision,
} from './memory-sync/long-term.js'
export {
  type MemoryLearningSummary,
  type MemorySyncProcessPorts,
  type MessageToProcess,
  type ProcessedMessages,
  processNewMessages,
} from './memory-sync/process.js'
export { MAX_MEMORY_SYNC_MESSAGES, MemorySyncMessage, MemorySyncPayload } from './memory-sync/schema.js'
export { DEFAULT_MEMORY_SYNC_MAX_BYTES, splitMemorySyncMessages, truncateContent } from './memory-sync/split.js'
export { type MemorySyncPorts, type MemorySyncResult, syncMemories } from './memory-sync/sync.js'
export {
  AddMemorySyncToOutboxInput,
  AddToOutboxInput,
  addMemorySyncToOutbox,
  addToOutbox,
  type RelayOutboxOptions,
  type RelayOutboxResult,
  relayOutbox,
} from './outbox.js'
export { type SignQstashRequestInput, signQstashRequest } from './qstash-signer.js'
export { errorResponse, type JobErrorBody, NON_RETRYABLE_STATUS, nonRetryableResponse } from './responses.js'
export type { ReceiverOption, SigningKeys } from './signature.js'
