import { parseInput } from '@tripsage/core'
import { z } from 'zod'
import { type EnqueuedJob, enqueueJob, type JobPublisher } from '../enqueue.js'
import { memorySyncBusinessKey } from './business-key.js'
import type { MemorySyncMessage, MemorySyncPayload } from './schema.js'
import { DEFAULT_MEMORY_SYNC_MAX_BYTES, splitMemorySyncMessages, truncateContent } from './split.js'

/** Input of {@link enqueueMemorySync}: any number of messages of one session (oldest first). */
export const EnqueueMemorySyncInput = z.strictObject({
  /** The memory-sync route's public URL. */
  url: z.url(),
  /** The user the memories are for. */
  userId: z.uuid(),
  /** The chat session the messages belong to. */
  sessionId: z.uuid(),
  /** The conversation, oldest first (up to 10 000 messages). */
  messages: z
    .array(
      z.object({
        /** The chat message id. */
        id: z.uuid(),
        /** System and tool messages are left out. */
        role: z.enum(['user', 'assistant', 'system', 'tool']),
        /** Cut to 8192 characters; empty messages are left out. */
        content: z.string(),
        /** When the message was written (ISO 8601). */
        createdAt: z.iso.datetime({ offset: true }),
      }),
    )
    .max(10_000),
  /** JSON budget of one job in bytes (default 512 KiB; at least 64 KiB). */
  maxBytes: z.int().min(65_536).optional(),
  /** QStash retries (default 3; keep it equal to the handler's `maxRetries`). */
  retries: z.int().min(0).max(100).optional(),
  /** Delay before the first delivery, in seconds. */
  delay: z.int().min(0).optional(),
})
/** Input of {@link enqueueMemorySync}. */
export type EnqueueMemorySyncInput = z.input<typeof EnqueueMemorySyncInput>

/**
 * Publishes memory-sync jobs for a conversation, straight to QStash (or the embedded queue):
 * user and assistant messages only, content cut to 8192 characters, split into jobs of ≤ 50
 * messages (and ≤ `maxBytes` of JSON), each with its business key as the QStash deduplication id.
 * Publishing the same messages again is deduplicated by QStash and, past its window, by the
 * handler. When the job must not be lost if the process dies right after the chat messages
 * commit, write it to the outbox instead (`addMemorySyncToOutbox` + `relayOutbox`).
 *
 * @param publisher - `new Client({ token })` or `createEmbeddedQueue()`
 * @param input - the route URL, user, session and messages
 */
export async function enqueueMemorySync(
  publisher: JobPublisher,
  input: EnqueueMemorySyncInput,
): Promise<EnqueuedJob[]> {
  const parsed = parseInput(EnqueueMemorySyncInput, input, 'memory-sync job')
  const messages: MemorySyncMessage[] = parsed.messages
    .filter((m) => m.role === 'user' || m.role === 'assistant')
    .map((m) => ({ ...m, content: truncateContent(m.content) }))
    .filter((m) => m.content.length > 0)
  const jobs: EnqueuedJob[] = []
  for (const batch of splitMemorySyncMessages(messages, parsed.maxBytes ?? DEFAULT_MEMORY_SYNC_MAX_BYTES)) {
    const body: MemorySyncPayload = { userId: parsed.userId, sessionId: parsed.sessionId, messages: batch }
    jobs.push(
      await enqueueJob(publisher, {
        url: parsed.url,
        body,
        deduplicationId: await memorySyncBusinessKey(
          parsed.sessionId,
          batch.map((m) => m.id),
        ),
        label: 'tripsage:memory-sync',
        ...(parsed.retries === undefined ? {} : { retries: parsed.retries }),
        ...(parsed.delay === undefined ? {} : { delay: parsed.delay }),
      }),
    )
  }
  return jobs
}
