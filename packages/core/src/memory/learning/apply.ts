import { sql } from 'kysely'
import { jsonbValue } from '../../db/json-param.js'
import type { ScopedTransaction } from '../../db/scope.js'
import { toVectorText } from '../../embeddings/vector-text.js'
import { TripSageError } from '../../errors.js'
import { contentHash } from '../content-hash.js'
import type { MemoryMetadata } from '../schema.js'
import type { MemoryLearningPlan, PlannedChange } from './plan.js'
import type { MemoryOperation } from './ports.js'

/** A change as applied. */
export interface AppliedChange {
  /** What was done: a planned change can end as NONE (its memory was already gone, or its content already stored). */
  operation: MemoryOperation
  /** The memory added, updated or deleted (or the one a NONE is about). */
  memoryId: string | null
  /** The operation the decider chose. */
  planned: MemoryOperation
}

/** What {@link applyMemoryPlan} adds to the plan. */
export interface ApplyMemoryPlanContext {
  /** The user (owner of the added memories; the transaction runs as them). */
  userId: string
  /** Metadata of added memories (e.g. `{ source: 'memory-sync', sessionId }`). */
  metadata?: MemoryMetadata | undefined
  /** Only changes all of whose source messages are in this set are applied (default: all). */
  onlySources?: ReadonlySet<string> | undefined
}

/**
 * Applies a {@link MemoryLearningPlan} in the caller's open transaction, as the user: one
 * statement per change, each recorded in `memory_events` with the plan's decider, the source
 * message ids and the reason (the `tripsage.memory_change` setting the history trigger reads).
 *
 * - ADD inserts (content already stored → NONE);
 * - UPDATE rewrites the target, keeping its id and type, importance the higher of the two —
 *   guarded by the content hash seen when deciding: a target changed since is a `conflict`
 *   (retry and the plan is made again), a target gone since, or new content another memory already
 *   holds, is NONE;
 * - DELETE removes the target, with the same guard;
 * - NONE writes nothing.
 *
 * Call it in the transaction that marks the source messages as processed, after taking the
 * per-user lock, so each decision is applied exactly once.
 *
 * @param trx - the open user transaction (`tx.db`)
 * @param plan - from `planMemoryChanges`
 * @param context - the user, metadata of new memories, and which sources are still unprocessed
 */
export async function applyMemoryPlan(
  trx: ScopedTransaction,
  plan: MemoryLearningPlan,
  context: ApplyMemoryPlanContext,
): Promise<AppliedChange[]> {
  const applied: AppliedChange[] = []
  try {
    for (const change of plan.changes) {
      if (context.onlySources && !change.sourceMessageIds.every((id) => context.onlySources?.has(id))) continue
      applied.push(await applyOne(trx, plan, change, context))
    }
  } finally {
    await sql`select set_config('tripsage.memory_change', '', true)`.execute(trx)
  }
  return applied
}

async function applyOne(
  trx: ScopedTransaction,
  plan: MemoryLearningPlan,
  change: PlannedChange,
  context: ApplyMemoryPlanContext,
): Promise<AppliedChange> {
  const none = (memoryId: string | null = change.targetId ?? null): AppliedChange => ({
    operation: 'NONE',
    memoryId,
    planned: change.operation,
  })
  if (change.operation === 'NONE') return none()
  await describe(trx, plan.decider, change)

  if (change.operation === 'ADD') {
    const content = change.content as string
    const hash = await contentHash(content)
    const result = await sql<{ id: string }>`
      insert into public.memories (user_id, memory_type, content, content_hash, embedding, embedding_model,
        metadata, importance, source_message_id)
      values (${context.userId}::uuid, ${change.type}, ${content}, ${hash},
        ${toVectorText(change.embedding as number[])}::extensions.vector, ${plan.embeddingModel},
        ${jsonbValue(context.metadata ?? {})}, ${change.importance}, ${change.sourceMessageIds[0] ?? null}::uuid)
      on conflict (user_id, content_hash) do nothing
      returning id`.execute(trx)
    const id = result.rows[0]?.id
    return id ? { operation: 'ADD', memoryId: id, planned: 'ADD' } : none(null)
  }

  const targetId = change.targetId as string
  if (change.operation === 'UPDATE') {
    const content = change.content as string
    const hash = await contentHash(content)
    const taken = await sql<{ id: string }>`
      select id from public.memories where content_hash = ${hash} and id <> ${targetId}::uuid`.execute(trx)
    if (taken.rows.length > 0) return none()
    const result = await sql<{ id: string }>`
      update public.memories set content = ${content}, content_hash = ${hash},
        embedding = ${toVectorText(change.embedding as number[])}::extensions.vector,
        embedding_model = ${plan.embeddingModel}, importance = greatest(importance, ${change.importance})
      where id = ${targetId}::uuid and content_hash = ${change.targetHash ?? ''}
      returning id`.execute(trx)
    if (result.rows[0]) return { operation: 'UPDATE', memoryId: targetId, planned: 'UPDATE' }
    return guardFailed(trx, targetId, none)
  }

  const result = await sql<{ id: string }>`
    delete from public.memories where id = ${targetId}::uuid and content_hash = ${change.targetHash ?? ''}
    returning id`.execute(trx)
  if (result.rows[0]) return { operation: 'DELETE', memoryId: targetId, planned: 'DELETE' }
  return guardFailed(trx, targetId, none)
}

/** The guard missed: gone since the decision → NONE; changed since → `conflict` (plan again). */
async function guardFailed(
  trx: ScopedTransaction,
  targetId: string,
  none: () => AppliedChange,
): Promise<AppliedChange> {
  const still = await sql<{ id: string }>`select id from public.memories where id = ${targetId}::uuid`.execute(trx)
  if (still.rows.length === 0) return none()
  throw new TripSageError('conflict', 'A memory changed while memory learning decided about it; retry', {
    details: { stage: 'apply' },
  })
}

/** Describes the next change for the history trigger (transaction-local). */
async function describe(trx: ScopedTransaction, decider: string, change: PlannedChange): Promise<void> {
  const description = JSON.stringify({
    decider: decider.slice(0, 200),
    sourceMessageIds: change.sourceMessageIds.slice(0, 100),
    ...(change.reason === undefined ? {} : { reason: change.reason.slice(0, 2000) }),
    ...(change.operation === 'DELETE' ? { operation: 'delete' } : {}),
  })
  await sql`select set_config('tripsage.memory_change', ${description}, true)`.execute(trx)
}
