import { z } from 'zod'

/** Most messages one memory-sync job carries; longer conversations are enqueued as several jobs. */
export const MAX_MEMORY_SYNC_MESSAGES = 50

/**
 * The memory-sync payload: up to 50 chat message ids of one chat session of one user. The job
 * carries ids only: the handler loads each message from `chat_messages`, as the user, and syncs
 * what the database holds (a payload's text would be trusted input; ids are checked).
 */
export const MemorySyncPayload = z.strictObject({
  /** The user the memories are for; must own the session. */
  userId: z.uuid(),
  /** The chat session the messages belong to. */
  sessionId: z.uuid(),
  /** Up to 50 chat message ids of that session, unique. */
  messageIds: z
    .array(z.uuid())
    .max(MAX_MEMORY_SYNC_MESSAGES)
    .refine((ids) => new Set(ids).size === ids.length, { error: 'message ids must be unique' }),
})
/** The memory-sync payload; see the {@link MemorySyncPayload} schema. */
export type MemorySyncPayload = z.infer<typeof MemorySyncPayload>

/** One chat message as memory sync loads it from `chat_messages` (never from the payload). */
export interface MemorySyncMessage {
  /** The chat message id; becomes the session memory's `sourceMessageId` (the dedup key). */
  readonly id: string
  /** Who wrote it; only `user` and `assistant` messages become memories. */
  readonly role: 'user' | 'assistant' | 'system' | 'tool'
  /** The message text as stored. */
  readonly content: string
  /** When the message was written (ISO 8601, UTC). */
  readonly createdAt: string
}
