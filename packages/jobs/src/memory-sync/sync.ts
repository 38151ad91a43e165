import type { Embedder, MemoryLearningOptions, TripSage } from '@tripsage/core'
import { type MemoryLearningSummary, type MessageToProcess, processNewMessages } from './process.js'
import type { MemorySyncPayload } from './schema.js'
import { truncateContent } from './split.js'
import { assertOwnsSession, inTransaction } from './transaction.js'

/** What one memory-sync job did. */
export interface MemorySyncResult {
  /** Messages written as session memories by this run. */
  synced: number
  /** Messages whose session memory already existed (a replay): nothing embedded, extracted or decided. */
  alreadySynced: number
  /** System and tool messages, and messages with only whitespace: never stored. */
  skipped: number
  /** What memory learning did to the user's long-term memories. */
  memories: MemoryLearningSummary
}

/** The ports {@link syncMemories} uses. */
export interface MemorySyncPorts {
  /** The SDK; writes run as the payload's user, so RLS applies on top of the ownership check. */
  tripsage: TripSage
  /** Embeds the new messages and the facts learned from them. */
  embedder: Embedder
  /** How long-term memories are learned (extractor, decider, bounds); `false` for none. */
  learning: MemoryLearningOptions | false
}

const nothingLearned: MemoryLearningSummary = {
  decider: null,
  extracted: 0,
  dropped: 0,
  added: 0,
  updated: 0,
  deleted: 0,
  unchanged: 0,
}

/**
 * The memory-sync effect, exactly once per message:
 *
 * 1. **load**: the user and assistant messages of the payload, tidied; one read transaction as the
 *    user checks that the chat session is the user's own (a session the user only sees through a
 *    shared trip is `forbidden`) and which messages already have a session memory
 *    (`source_message_id`) — those are replays and are left alone;
 * 2. **process** the rest ({@link processNewMessages}): session memories, plus long-term memories
 *    learned from them (extraction → reconciliation → history), committed together.
 *
 * @param ports - the SDK, embedder and learning options
 * @param payload - a validated payload
 * @param signal - aborts the model and embedding calls
 */
export async function syncMemories(
  ports: MemorySyncPorts,
  payload: MemorySyncPayload,
  signal?: AbortSignal,
): Promise<MemorySyncResult> {
  const candidates: MessageToProcess[] = payload.messages
    .filter((m) => m.role === 'user' || m.role === 'assistant')
    .map((message) => ({ message, content: truncateContent(message.content.normalize('NFC').trim()) }))
    .filter((c) => c.content.length > 0)
  const skipped = payload.messages.length - candidates.length
  const me = ports.tripsage.forUser({ sub: payload.userId, role: 'authenticated' })
  const existing = await inTransaction(me, async (trx) => {
    await assertOwnsSession(trx, payload.sessionId, payload.userId)
    if (candidates.length === 0) return new Set<string>()
    const rows = await trx
      .selectFrom('session_memories')
      .select('source_message_id')
      .where(
        'source_message_id',
        'in',
        candidates.map((c) => c.message.id),
      )
      .execute()
    return new Set(rows.map((r) => r.source_message_id))
  })
  const todo = candidates.filter((c) => !existing.has(c.message.id))
  if (todo.length === 0) return { synced: 0, alreadySynced: candidates.length, skipped, memories: nothingLearned }
  const processed = await processNewMessages(
    ports,
    { userId: payload.userId, sessionId: payload.sessionId },
    todo,
    signal,
  )
  return {
    synced: processed.synced,
    alreadySynced: candidates.length - todo.length + processed.alreadySynced,
    skipped,
    memories: processed.memories,
  }
}
