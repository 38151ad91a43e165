import {
  type AddMemoryInput,
  type AppliedChange,
  applyMemoryPlan,
  type Embedder,
  type MemoryLearningOptions,
  type MemoryLearningPlan,
  planMemoryChanges,
  type TripSage,
} from '@tripsage/core'
import { sql } from 'kysely'
import type { MemorySyncMessage } from './schema.js'
import { assertOwnsSession, embedAll, inTransaction } from './transaction.js'

/** The ports of the process step. */
export interface MemorySyncProcessPorts {
  /** The SDK; everything runs as the user, so RLS applies on top of the ownership check. */
  tripsage: TripSage
  /** Embeds the messages (one call) and the facts (one call). */
  embedder: Embedder
  /** How long-term memories are learned; `false` for session memories only. */
  learning: MemoryLearningOptions | false
}

/** What memory learning did in one job. */
export interface MemoryLearningSummary {
  /** The decider recorded in the history (`rule:…`, `model:…`), or null without learning. */
  decider: string | null
  /** Facts the extractor found. */
  extracted: number
  /** Facts over `maxFacts`, left out. */
  dropped: number
  /** Long-term memories added. */
  added: number
  /** Long-term memories updated (their ids kept). */
  updated: number
  /** Long-term memories deleted (a fact contradicted them). */
  deleted: number
  /** Facts that changed nothing (NONE, or a change that found its target gone). */
  unchanged: number
}

/** What the process step did. */
export interface ProcessedMessages {
  /** Messages written as session memories by this run. */
  synced: number
  /** Messages a concurrent delivery wrote first (nothing done for them). */
  alreadySynced: number
  /** Long-term memory learning. */
  memories: MemoryLearningSummary
}

/** A message to process: the loaded message and its content, tidied for storage. */
export interface MessageToProcess {
  /** The message as loaded. */
  message: MemorySyncMessage
  /** NFC-normalised, trimmed, cut to the memory content limit; never empty. */
  content: string
}

/**
 * The memory-sync **process** step, given the new messages of one session (already loaded and
 * checked for replays):
 *
 * 1. ONE embed call for the messages (their session memories);
 * 2. memory learning is planned without writing: facts extracted, compared with similar long-term
 *    memories (vector search as the user), ADD/UPDATE/DELETE/NONE decided — bounded by `maxFacts`
 *    and a time budget (`planMemoryChanges`);
 * 3. ONE write transaction as the user: the ownership check again; a per-user transaction lock
 *    (`pg_advisory_xact_lock`), so two deliveries never decide against each other; a re-check of
 *    which messages a concurrent delivery already wrote; the session memories of the rest; and the
 *    planned changes drawn only from those messages (`applyMemoryPlan`, one history event each).
 *
 * The session memories are the "processed" marks: they commit with the decisions or not at all, so
 * a redelivery finds them and replays no decision.
 *
 * @param ports - the SDK, embedder and learning options
 * @param target - the user and session
 * @param todo - the new messages, oldest first
 * @param signal - aborts the model and embedding calls
 */
export async function processNewMessages(
  ports: MemorySyncProcessPorts,
  target: { userId: string; sessionId: string },
  todo: readonly MessageToProcess[],
  signal?: AbortSignal,
): Promise<ProcessedMessages> {
  const me = ports.tripsage.forUser({ sub: target.userId, role: 'authenticated' })
  const vectors = await embedAll(
    ports.embedder,
    todo.map((t) => t.content),
    signal,
  )
  const plan: MemoryLearningPlan | null =
    ports.learning === false
      ? null
      : await planMemoryChanges(
          me.memory,
          ports.embedder,
          todo.map((t) => ({ ...t.message, content: t.content })),
          { userId: target.userId, options: ports.learning, signal },
        )

  const { fresh, applied } = await inTransaction(me, async (trx, tx) => {
    await assertOwnsSession(trx, target.sessionId, target.userId)
    await sql`select pg_advisory_xact_lock(hashtextextended(${`tripsage:memory-sync:${target.userId}`}, 0))`.execute(
      trx,
    )
    const written = await trx
      .selectFrom('session_memories')
      .select('source_message_id')
      .where(
        'source_message_id',
        'in',
        todo.map((t) => t.message.id),
      )
      .execute()
    const done = new Set(written.map((r) => r.source_message_id))
    const fresh = todo.flatMap((t, i) => (done.has(t.message.id) ? [] : [{ ...t, embedding: vectors[i] as number[] }]))
    if (fresh.length === 0) return { fresh, applied: [] as AppliedChange[] }
    const inputs: AddMemoryInput[] = fresh.map(({ message, content, embedding }) => ({
      content,
      embedding,
      embeddingModel: ports.embedder.model,
      sourceMessageId: message.id,
      sessionId: target.sessionId,
      metadata: { source: 'memory-sync', role: message.role, messageCreatedAt: message.createdAt },
    }))
    await tx.memory.addMany(inputs)
    const applied = plan
      ? await applyMemoryPlan(trx, plan, {
          userId: target.userId,
          metadata: { source: 'memory-sync', sessionId: target.sessionId },
          onlySources: new Set(fresh.map((f) => f.message.id)),
        })
      : []
    return { fresh, applied }
  })

  const count = (op: AppliedChange['operation']) => applied.filter((a) => a.operation === op).length
  return {
    synced: fresh.length,
    alreadySynced: todo.length - fresh.length,
    memories: {
      decider: plan?.decider ?? null,
      extracted: plan?.extracted ?? 0,
      dropped: plan?.dropped ?? 0,
      added: count('ADD'),
      updated: count('UPDATE'),
      deleted: count('DELETE'),
      unchanged: count('NONE'),
    },
  }
}
