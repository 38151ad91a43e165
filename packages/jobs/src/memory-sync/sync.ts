import {
  type AddMemoryInput,
  type Embedder,
  ForbiddenError,
  NotFoundError,
  type ScopedTransaction,
  type TripSage,
  TripSageError,
  toTripSageError,
  type UserClient,
  type UserTransaction,
  ValidationError,
} from '@tripsage/core'
import { loadSessionMessages } from './load-messages.js'
import type { LongTermClassifier } from './long-term.js'
import type { MemorySyncMessage, MemorySyncPayload } from './schema.js'
import { truncateContent } from './split.js'

/** What one memory-sync job did. */
export interface MemorySyncResult {
  /** Messages written as session memories by this run. */
  synced: number
  /** Of those, how many were also written (or matched) as long-term memories. */
  longTerm: number
  /** Messages whose session memory already existed (a replay): nothing embedded, nothing written. */
  alreadySynced: number
  /** System and tool messages, and messages with only whitespace: never stored. */
  skipped: number
}

/** The ports {@link syncMemories} uses. */
export interface MemorySyncPorts {
  /** The SDK; writes run as the payload's user, so RLS applies on top of the ownership check. */
  tripsage: TripSage
  /** Embeds the new messages: one call per job. */
  embedder: Embedder
  /** Which messages also become long-term memories; `false` for none. */
  longTerm: LongTermClassifier | false
}

const what = 'memory'

/**
 * The memory-sync effect, idempotent by message id: load the messages, then process them.
 *
 * 1. one read transaction as the user: the chat session must exist and be the user's own (a
 *    session the user only sees through a shared trip is `forbidden`); load each message by id
 *    from `chat_messages`, in that session ({@link loadSessionMessages}: an id that is not there is
 *    a `validation` error naming it) — the payload carries no text, so what is synced is what the
 *    database holds; find which messages already have a session memory (`source_message_id`);
 * 2. ONE embed call for the remaining user/assistant messages;
 * 3. ONE write transaction as the user: the ownership check again, then `memory.addMany` with the
 *    vectors — every message as a session memory and the messages the classifier picks as
 *    long-term memories, all-or-nothing. Session memories are unique per `(user, source message)`
 *    and long-term memories per `(user, content)`, so a replay (or a concurrent twin) writes nothing.
 *
 * @param ports - the SDK, embedder and classifier
 * @param payload - a validated payload
 * @param signal - aborts the embed call
 */
export async function syncMemories(
  ports: MemorySyncPorts,
  payload: MemorySyncPayload,
  signal?: AbortSignal,
): Promise<MemorySyncResult> {
  const me = ports.tripsage.forUser({ sub: payload.userId, role: 'authenticated' })
  const loaded = await inTransaction(me, async (trx) => {
    await assertOwnsSession(trx, payload.sessionId, payload.userId)
    const messages = await loadSessionMessages(trx, payload.sessionId, payload.messageIds)
    const candidates = syncCandidates(messages)
    if (candidates.length === 0) return { messages, candidates, existing: new Set<string>() }
    const rows = await trx
      .selectFrom('session_memories')
      .select('source_message_id')
      .where(
        'source_message_id',
        'in',
        candidates.map((c) => c.message.id),
      )
      .execute()
    return { messages, candidates, existing: new Set(rows.map((r) => r.source_message_id)) }
  })
  return processMessages(ports, me, payload.sessionId, loaded, signal)
}

/** A message worth a memory: user or assistant, with its content normalised and cut to the limit. */
interface SyncCandidate {
  message: MemorySyncMessage
  content: string
}

function syncCandidates(messages: readonly MemorySyncMessage[]): SyncCandidate[] {
  return messages
    .filter((m) => m.role === 'user' || m.role === 'assistant')
    .map((message) => ({ message, content: truncateContent(message.content.normalize('NFC').trim()) }))
    .filter((c) => c.content.length > 0)
}

/** Step 2 and 3: embed the messages not synced yet and write their memories in one transaction. */
async function processMessages(
  ports: MemorySyncPorts,
  me: UserClient,
  sessionId: string,
  loaded: { messages: MemorySyncMessage[]; candidates: SyncCandidate[]; existing: Set<string | null> },
  signal: AbortSignal | undefined,
): Promise<MemorySyncResult> {
  const { candidates, existing } = loaded
  const skipped = loaded.messages.length - candidates.length
  const todo = candidates.filter((c) => !existing.has(c.message.id))
  if (todo.length === 0) return { synced: 0, longTerm: 0, alreadySynced: candidates.length, skipped }

  const vectors = await embed(
    ports.embedder,
    todo.map((c) => c.content),
    signal,
  )
  const inputs: AddMemoryInput[] = []
  let longTerm = 0
  todo.forEach(({ message, content }, i) => {
    const embedding = vectors[i] as number[]
    const shared = { content, embedding, embeddingModel: ports.embedder.model, sourceMessageId: message.id }
    inputs.push({
      ...shared,
      sessionId,
      metadata: { source: 'memory-sync', role: message.role, messageCreatedAt: message.createdAt },
    })
    const decision = ports.longTerm === false ? null : ports.longTerm(message)
    if (decision) {
      longTerm++
      inputs.push({
        ...shared,
        type: decision.type,
        importance: decision.importance,
        metadata: { source: 'memory-sync', sessionId, role: message.role },
      })
    }
  })

  await inTransaction(me, async (trx, tx) => {
    await assertOwnsSession(trx, sessionId, me.userId)
    await tx.memory.addMany(inputs)
  })
  return { synced: todo.length, longTerm, alreadySynced: candidates.length - todo.length, skipped }
}

async function inTransaction<T>(
  me: UserClient,
  fn: (trx: ScopedTransaction, tx: UserTransaction) => Promise<T>,
): Promise<T> {
  try {
    return await me.transaction((tx) => fn(tx.db, tx))
  } catch (error) {
    throw toTripSageError(error, what)
  }
}

/** The session must exist (visible to the user) and be owned by the user themself. */
async function assertOwnsSession(trx: ScopedTransaction, sessionId: string, userId: string): Promise<void> {
  const session = await trx.selectFrom('chat_sessions').select('user_id').where('id', '=', sessionId).executeTakeFirst()
  if (!session) throw new NotFoundError('Chat session not found')
  if (session.user_id !== userId) throw new ForbiddenError('The chat session belongs to another user')
}

async function embed(embedder: Embedder, texts: string[], signal: AbortSignal | undefined): Promise<number[][]> {
  let vectors: number[][]
  try {
    vectors = await embedder.embed(texts, signal ? { signal } : undefined)
  } catch (error) {
    if (TripSageError.isInstance(error)) throw error
    throw new TripSageError('unavailable', `The embedder "${embedder.model}" failed`, {
      cause: error instanceof Error ? { name: error.name } : undefined,
      details: { model: embedder.model },
    })
  }
  if (!Array.isArray(vectors) || vectors.length !== texts.length) {
    throw new ValidationError(`The embedder "${embedder.model}" returned a wrong number of vectors`, {
      details: { option: 'embedder' },
    })
  }
  return vectors
}
