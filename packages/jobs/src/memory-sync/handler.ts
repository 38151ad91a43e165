import { assertEmbedderFitsColumn, type Embedder, type MemoryLearningOptions, type TripSage } from '@tripsage/core'
import { recordJobFailure } from '../failures.js'
import { createJobHandler, type JobFailure, type JobHandler, type JobHandlerOptions } from '../handler.js'
import { memorySyncBusinessKey } from './business-key.js'
import { MAX_MEMORY_SYNC_MESSAGES, MemorySyncPayload } from './schema.js'
import { type MemorySyncResult, syncMemories } from './sync.js'

/** The job name of memory sync (idempotency keys, outbox rows, failure records). */
export const MEMORY_SYNC_JOB = 'memory-sync'

/** Options of {@link createMemorySyncHandler}. */
export interface MemorySyncHandlerOptions
  extends Omit<
    JobHandlerOptions<typeof MemorySyncPayload, MemorySyncResult>,
    'name' | 'schema' | 'run' | 'key' | 'batch' | 'maxBatch'
  > {
  /** The SDK (`createTripSage({ db })`). */
  tripsage: TripSage
  /** Embeds the messages; its `dimensions` must be 1536 (checked here, at construction). */
  embedder: Embedder
  /**
   * How long-term memories are learned from the messages: `extractor` (default
   * `lexicalExtractor()`, offline; `aiSdkExtractor({ model })` from `@tripsage/core/ai-sdk`),
   * `decider` (default `ruleDecider()`; `aiSdkDecider({ model })`), `maxFacts` per job (default
   * 10), `candidates` per fact (5) and `timeBudgetMs` (30 000). `false`: session memories only.
   */
  learning?: MemoryLearningOptions | false
  /**
   * Record deliveries that failed for good in `private.job_failures` (default true). Your own
   * `onFailure` is called as well.
   */
  recordFailures?: boolean
}

/**
 * The memory-sync job route: verifies the QStash signature, validates
 * `{ userId, sessionId, messages: [{ id, role, content, createdAt }] }` (≤ 50 messages, else 489
 * and nothing written), dedupes on the message id and on the business key
 * (`memory-sync:{session}:{hash of the message ids}`), checks that the user owns the session,
 * embeds the new messages in one call, learns from them (facts extracted, reconciled with the
 * user's similar long-term memories: ADD / UPDATE / DELETE / NONE, each recorded in
 * `memory_events`) and writes the session memories and the long-term changes in one transaction,
 * deduplicated by message id so a replay decides nothing again.
 *
 * @example
 * // app/api/jobs/memory-sync/route.ts (Next.js)
 * export const POST = createMemorySyncHandler({
 *   tripsage, embedder, kv: redis,
 *   receiver: { currentSigningKey: process.env.QSTASH_CURRENT_SIGNING_KEY!, nextSigningKey: process.env.QSTASH_NEXT_SIGNING_KEY! },
 *   url: 'https://app.example.com/api/jobs/memory-sync',
 * })
 */
export function createMemorySyncHandler(options: MemorySyncHandlerOptions): JobHandler {
  const { tripsage, embedder, learning = {}, recordFailures = true, onFailure, ...rest } = options
  assertEmbedderFitsColumn(embedder)
  const ports = { tripsage, embedder, learning }
  return createJobHandler({
    ...rest,
    name: MEMORY_SYNC_JOB,
    schema: MemorySyncPayload,
    maxBatch: MAX_MEMORY_SYNC_MESSAGES,
    batch: (payload) => payload.messages,
    key: (payload) =>
      memorySyncBusinessKey(
        payload.sessionId,
        payload.messages.map((m) => m.id),
      ),
    run: (payload, context) => syncMemories(ports, payload, context.signal),
    onFailure: async (failure: JobFailure) => {
      const userId = (failure.payload as MemorySyncPayload | undefined)?.userId
      await Promise.allSettled([
        recordFailures && userId !== undefined ? recordJobFailure(tripsage, failure, userId) : Promise.resolve(),
        Promise.resolve().then(() => onFailure?.(failure)),
      ])
    },
  })
}
