import { parseInput } from '@tripsage/core'
import { z } from 'zod'
import { type EnqueuedJob, enqueueJob, type JobPublisher } from '../enqueue.js'
import { memorySyncBusinessKey } from './business-key.js'
import { MAX_MEMORY_SYNC_MESSAGES, type MemorySyncPayload } from './schema.js'

/** Input of {@link enqueueMemorySync}: any number of message ids of one session (oldest first). */
export const EnqueueMemorySyncInput = z.strictObject({
  /** The memory-sync route's public URL. */
  url: z.url(),
  /** The user the memories are for. */
  userId: z.uuid(),
  /** The chat session the messages belong to. */
  sessionId: z.uuid(),
  /**
   * The chat message ids to sync, oldest first (up to 10 000, unique). Ids only: the handler loads
   * the messages from the database, so no chat text travels through the queue.
   */
  messageIds: z
    .array(z.uuid())
    .max(10_000)
    .refine((ids) => new Set(ids).size === ids.length, { error: 'message ids must be unique' }),
  /** QStash retries (default 3; keep it equal to the handler's `maxRetries`). */
  retries: z.int().min(0).max(100).optional(),
  /** Delay before the first delivery, in seconds. */
  delay: z.int().min(0).optional(),
})
/** Input of {@link enqueueMemorySync}. */
export type EnqueueMemorySyncInput = z.input<typeof EnqueueMemorySyncInput>

/**
 * Publishes memory-sync jobs for chat messages, straight to QStash (or the embedded queue), by id:
 * jobs of ≤ 50 ids, each with its business key as the QStash deduplication id. The handler loads
 * each message from `chat_messages` as the user and skips system and tool messages. Publishing the
 * same ids again is deduplicated by QStash and, past its window, by the handler. When the job must
 * not be lost if the process dies right after the chat messages commit, write it to the outbox
 * instead (`addMemorySyncToOutbox` + `relayOutbox`).
 *
 * @param publisher - `new Client({ token })` or `createEmbeddedQueue()`
 * @param input - the route URL, user, session and message ids
 */
export async function enqueueMemorySync(
  publisher: JobPublisher,
  input: EnqueueMemorySyncInput,
): Promise<EnqueuedJob[]> {
  const parsed = parseInput(EnqueueMemorySyncInput, input, 'memory-sync job')
  const jobs: EnqueuedJob[] = []
  for (let start = 0; start < parsed.messageIds.length; start += MAX_MEMORY_SYNC_MESSAGES) {
    const messageIds = parsed.messageIds.slice(start, start + MAX_MEMORY_SYNC_MESSAGES)
    const body: MemorySyncPayload = { userId: parsed.userId, sessionId: parsed.sessionId, messageIds }
    jobs.push(
      await enqueueJob(publisher, {
        url: parsed.url,
        body,
        deduplicationId: await memorySyncBusinessKey(parsed.sessionId, messageIds),
        label: 'tripsage:memory-sync',
        ...(parsed.retries === undefined ? {} : { retries: parsed.retries }),
        ...(parsed.delay === undefined ? {} : { delay: parsed.delay }),
      }),
    )
  }
  return jobs
}
