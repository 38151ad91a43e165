import { MAX_MEMORY_CONTENT_LENGTH } from '@tripsage/core'
import { z } from 'zod'

/** Most messages one memory-sync job carries; longer conversations are enqueued as several jobs. */
export const MAX_MEMORY_SYNC_MESSAGES = 50

const codePoints = (s: string) => {
  let n = 0
  for (const _ of s) n++
  return n
}

/** One chat message in a memory-sync job. */
export const MemorySyncMessage = z.strictObject({
  /** The chat message id; becomes the session memory's `sourceMessageId` (the dedup key). */
  id: z.uuid(),
  /** Who wrote it; only `user` and `assistant` messages become memories. */
  role: z.enum(['user', 'assistant', 'system', 'tool']),
  /** At most 8192 characters (the memory content limit); the enqueue helpers cut longer messages. */
  content: z
    .string()
    .min(1)
    .refine((s) => codePoints(s) <= MAX_MEMORY_CONTENT_LENGTH, {
      error: `content must be at most ${MAX_MEMORY_CONTENT_LENGTH} characters`,
    }),
  /** When the message was written (ISO 8601). */
  createdAt: z.iso.datetime({ offset: true }),
})
/** One chat message in a memory-sync job. */
export type MemorySyncMessage = z.infer<typeof MemorySyncMessage>

/**
 * The memory-sync payload: up to 50 messages of one chat session of one user. Message ids are
 * unique within a payload.
 */
export const MemorySyncPayload = z.strictObject({
  /** The user the memories are for; must own the session. */
  userId: z.uuid(),
  /** The chat session the messages belong to. */
  sessionId: z.uuid(),
  /** Up to 50 messages, unique by id. */
  messages: z
    .array(MemorySyncMessage)
    .max(MAX_MEMORY_SYNC_MESSAGES)
    .refine((messages) => new Set(messages.map((m) => m.id)).size === messages.length, {
      error: 'message ids must be unique',
    }),
})
/** The memory-sync payload; see the {@link MemorySyncPayload} schema. */
export type MemorySyncPayload = z.infer<typeof MemorySyncPayload>
