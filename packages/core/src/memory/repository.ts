import { type RawBuilder, sql } from 'kysely'
import { toTripSageError } from '../db/database-error.js'
import { jsonbValue } from '../db/json-param.js'
import { oneStatement } from '../db/run-in-scope.js'
import type { Scope, ScopedTransaction, ScopeRunOptions } from '../db/scope.js'
import { timestamptzFromText } from '../db/temporal-param.js'
import { assertEmbedderFitsColumn, type Embedder } from '../embeddings/embedder.js'
import { parseVectorText, toVectorText } from '../embeddings/vector-text.js'
import { NotFoundError, TripSageError, ValidationError } from '../errors.js'
import { decodeCursor, type Page, toPage } from '../pagination.js'
import { parseInput } from '../validation.js'
import { addMemories } from './add-many.js'
import { contentHash } from './content-hash.js'
import { embedTexts, requireEmbedder } from './embedding.js'
import { type MemoryEvent, readHistory, restoreFromHistory } from './history.js'
import { maximalMarginalRelevance } from './mmr.js'
import { createdKey, tableOf, toMemory } from './rows.js'
import {
  type AddManyMemoriesInput,
  type AddMemoryInput,
  ForgetAllMemoriesInput,
  HybridSearchMemoriesInput,
  ListMemoriesInput,
  type Memory,
  MemoryHistoryOptions,
  type MemoryHybridHit,
  MemoryId,
  type MemorySearchHit,
  MemorySelector,
  MmrOptions,
  SearchMemoriesInput,
  UpdateMemoryInput,
} from './schema.js'
import {
  filterConditions,
  hnswSettings,
  hybridSearchStatement,
  type MemoryRow,
  memoryColumns,
  searchStatement,
  tableRef,
} from './statements.js'

/** Options of the calls that may embed text. */
export interface MemoryCallOptions {
  /** Aborts the embedding call (the database statement is short and not interrupted). */
  signal?: AbortSignal
}

/**
 * The user's memories (`me.memory`): long-term memories, and session memories when a `sessionId` is
 * passed. Every call runs as the user, so RLS keeps each user to their own rows.
 */
export interface MemoryRepository {
  /**
   * Stores a memory and returns it. Idempotent: content already stored (same whitespace-normalised
   * content for the user, or for the session) returns the existing memory and embeds nothing. An
   * expired match is revived with the new `expiresAt`; a match embedded by another model is
   * re-embedded with the current one.
   */
  add(input: AddMemoryInput, options?: MemoryCallOptions): Promise<Memory>
  /**
   * {@link MemoryRepository.add} for 1–100 memories: one lookup, ONE embed call for the new ones,
   * and ONE multi-row INSERT per table, all-or-nothing. Returns one memory per input, in order
   * (duplicates in the input map to the same memory).
   */
  addMany(inputs: AddManyMemoriesInput, options?: MemoryCallOptions): Promise<Memory[]>
  /** The memory, or `not_found`. Pass `{ sessionId }` for a session memory. Expired memories are returned. */
  get(id: string, selector?: MemorySelector): Promise<Memory>
  /** The memory, or null. */
  find(id: string, selector?: MemorySelector): Promise<Memory | null>
  /** Newest first, keyset-paginated; expired memories only with `includeExpired`. */
  list(input?: ListMemoriesInput): Promise<Page<Memory>>
  /**
   * Changes a memory. A new `content` (or a row embedded by another model than the embedder's) is
   * re-embedded; content that collides with another memory of the user is a `conflict`.
   */
  update(id: string, patch: UpdateMemoryInput, options?: MemorySelector & MemoryCallOptions): Promise<Memory>
  /** Deletes one memory; `not_found` when it does not exist or is not the user's. */
  forget(id: string, selector?: MemorySelector): Promise<void>
  /** Deletes every long-term memory (of `types`), or every memory of `sessionId`; returns how many. */
  forgetAll(input?: ForgetAllMemoriesInput): Promise<number>
  /**
   * Nearest memories by cosine similarity (HNSW). Expired memories and memories embedded by
   * another model are skipped in SQL; filters never starve the result (iterative index scan).
   */
  search(input: SearchMemoriesInput, options?: MemoryCallOptions): Promise<MemorySearchHit[]>
  /** Vector + full-text recall fused by Reciprocal Rank Fusion in one SQL statement. */
  hybridSearch(input: HybridSearchMemoriesInput, options?: MemoryCallOptions): Promise<MemoryHybridHit[]>
  /**
   * A long-term memory's history, oldest first: every add, update, delete (by memory learning),
   * forget and restore, with old and new content, the source messages and the decider. Kept after
   * the memory is forgotten; the user's own memories only (RLS); an unknown id has an empty history.
   */
  history(id: string, options?: MemoryHistoryOptions): Promise<MemoryEvent[]>
  /**
   * Brings a long-term memory back from its history: pass a **memory id** to restore a deleted or
   * forgotten memory as it was (same id), or an **event id** to go back to the version that event
   * recorded. The content is embedded again; the change is recorded as a `restore`. `not_found`
   * for an unknown ref, `conflict` for a memory id of a memory that exists or content another
   * memory holds.
   */
  restore(ref: string, options?: MemoryCallOptions): Promise<Memory>
}

/** The ports the memory repositories use. */
export interface MemoryPorts {
  /** Embeds contents and queries. Without one, only calls that pass `embedding` can write or search. */
  embedder?: Embedder | undefined
}

const what = 'memory'

/**
 * Builds `me.memory`. Throws a `validation` error when the embedder's dimension does not match the
 * `vector(1536)` columns.
 *
 * @param scope - a user scope (or one bound to an open transaction)
 * @param ports - the embedder
 */
export function createMemoryRepository(scope: Scope, ports: MemoryPorts): MemoryRepository {
  assertEmbedderFitsColumn(ports.embedder)
  const { embedder } = ports

  const run = async <T>(fn: (trx: ScopedTransaction) => Promise<T>, options?: ScopeRunOptions): Promise<T> => {
    try {
      return await scope.run(fn, options)
    } catch (error) {
      throw toTripSageError(error, what)
    }
  }

  const embed = (texts: string[], options: MemoryCallOptions | undefined): Promise<number[][]> =>
    embedTexts(embedder, texts, options?.signal)

  const addMany = (inputs: unknown, options?: MemoryCallOptions): Promise<Memory[]> =>
    addMemories({ userId: scope.userId as string, embedder, run, embed }, inputs, options)

  const find = async (id: unknown, selector?: unknown): Promise<Memory | null> => {
    const memoryId = parseInput(MemoryId, id, what)
    const { sessionId } = parseInput(MemorySelector, selector ?? {}, what)
    const table = tableOf(sessionId)
    const rows = await run(
      (trx) =>
        sql<MemoryRow>`
          select ${memoryColumns(table)} from ${tableRef(table)}
          where id = ${memoryId}::uuid ${sessionId === undefined ? sql`` : sql`and session_id = ${sessionId}::uuid`}`.execute(
          trx,
        ),
      oneStatement,
    )
    const row = rows.rows[0]
    return row ? toMemory(row) : null
  }

  const search = async (input: unknown, options?: MemoryCallOptions): Promise<MemorySearchHit[]> => {
    const parsed = parseInput(SearchMemoriesInput, input, 'memory search')
    const [vector] = parsed.embedding ? [parsed.embedding] : await embed([parsed.query as string], options)
    const mmr = parsed.mmr === undefined ? undefined : MmrOptions.parse(parsed.mmr === true ? {} : parsed.mmr)
    const fetch = mmr ? Math.min(parsed.limit * mmr.fetchMultiplier, 1000) : parsed.limit
    const table = tableOf(parsed.sessionId)
    const rows = await run(async (trx) => {
      const result = await searchStatement({
        table,
        vector: toVectorText(vector as number[]),
        filters: { ...parsed, embeddingModel: parsed.embeddingModel ?? embedder?.model ?? null },
        limit: fetch,
        efSearch: Math.max(parsed.efSearch, fetch),
        maxDistance: parsed.minSimilarity === undefined ? undefined : 1 - parsed.minSimilarity,
        withEmbedding: mmr !== undefined,
      }).execute(trx)
      return result.rows
    }, hnswSettings())
    const hits = rows.map((row) => ({ ...toMemory(row), similarity: 1 - Number(row.distance) }))
    if (!mmr) return hits
    const picked = maximalMarginalRelevance(
      rows.map((row, i) => ({
        relevance: (hits[i] as MemorySearchHit).similarity,
        embedding: parseVectorText(row.embedding_text),
      })),
      parsed.limit,
      mmr.lambda,
    )
    return picked.map((i) => hits[i] as MemorySearchHit)
  }

  const hybridSearch = async (input: unknown, options?: MemoryCallOptions): Promise<MemoryHybridHit[]> => {
    const parsed = parseInput(HybridSearchMemoriesInput, input, 'memory search')
    const [vector] = parsed.embedding ? [parsed.embedding] : await embed([parsed.query], options)
    const candidates = parsed.candidates ?? Math.min(Math.max(parsed.limit * 4, 40), 1000)
    const table = tableOf(parsed.sessionId)
    const rows = await run(async (trx) => {
      const result = await hybridSearchStatement({
        table,
        vector: toVectorText(vector as number[]),
        text: parsed.query,
        filters: { ...parsed, embeddingModel: parsed.embeddingModel ?? embedder?.model ?? null },
        candidates,
        efSearch: Math.max(parsed.efSearch, candidates),
        limit: parsed.limit,
        vectorWeight: parsed.weights?.vector ?? 1,
        textWeight: parsed.weights?.text ?? 1,
        rrfK: parsed.rrfK,
      }).execute(trx)
      return result.rows
    }, hnswSettings())
    return rows.map((row) => ({
      ...toMemory(row),
      similarity: 1 - Number(row.distance),
      score: Number(row.score),
      vectorRank: row.vector_rank === null ? null : Number(row.vector_rank),
      textRank: row.text_rank === null ? null : Number(row.text_rank),
    }))
  }

  return {
    add: async (input, options) => {
      const [memory] = await addMany([input], options)
      return memory as Memory
    },
    addMany,
    find,
    get: async (id, selector) => {
      const memory = await find(id, selector)
      if (!memory) throw new NotFoundError('Memory not found')
      return memory
    },

    list: async (input) => {
      const parsed = parseInput(ListMemoriesInput, input ?? {}, what)
      const table = tableOf(parsed.sessionId)
      const after = parsed.cursor === undefined ? undefined : decodeCursor(parsed.cursor, 2)
      const rows = await run(
        (trx) =>
          sql<MemoryRow & { created_key: string }>`
            select ${memoryColumns(table)}, ${createdKey} as created_key
            from ${tableRef(table)}
            where ${filterConditions(parsed)}
              ${after ? sql`and (created_at, id) < (${timestamptzFromText(after[0] === null ? null : String(after[0]))}, ${after[1]}::uuid)` : sql``}
            order by created_at desc, id desc
            limit ${parsed.limit + 1}`.execute(trx),
        oneStatement,
      )
      return toPage(rows.rows, parsed.limit, (row) => [row.created_key, row.id], toMemory)
    },

    update: async (id, patch, options) => {
      const memoryId = parseInput(MemoryId, id, what)
      const { signal, ...selector } = options ?? {}
      const { sessionId } = parseInput(MemorySelector, selector, what)
      const changes = parseInput(UpdateMemoryInput, patch, what)
      const table = tableOf(sessionId)
      if (table === 'session_memories' && changes.type !== undefined) {
        throw new ValidationError('Invalid memory', {
          details: { issues: [{ path: 'type', message: 'session memories have no type' }] },
        })
      }
      const current = await find(memoryId, { ...(sessionId === undefined ? {} : { sessionId }) })
      if (!current) throw new NotFoundError('Memory not found')
      const set: RawBuilder<unknown>[] = []
      const content = changes.content ?? current.content
      const hash = changes.content === undefined ? current.contentHash : await contentHash(changes.content)
      const reembed =
        hash !== current.contentHash || (embedder !== undefined && current.embeddingModel !== embedder.model)
      if (changes.content !== undefined) set.push(sql`content = ${changes.content}`, sql`content_hash = ${hash}`)
      if (reembed) {
        const [vector] = await embed([content], signal ? { signal } : undefined)
        set.push(sql`embedding = ${toVectorText(vector as number[])}::extensions.vector`)
        set.push(sql`embedding_model = ${requireEmbedder(embedder).model}`)
      }
      if (changes.type !== undefined) set.push(sql`memory_type = ${changes.type}`)
      if (changes.metadata !== undefined) set.push(sql`metadata = ${jsonbValue(changes.metadata)}`)
      if (changes.importance !== undefined) set.push(sql`importance = ${changes.importance}`)
      if (changes.expiresAt !== undefined) set.push(sql`expires_at = ${timestamptzFromText(changes.expiresAt)}`)
      if (set.length === 0) return current
      const rows = await run(
        (trx) =>
          // Guarded by the hash we embedded from: a concurrent content change makes this a conflict.
          sql<MemoryRow>`
            update ${tableRef(table)} set ${sql.join(set)}
            where id = ${memoryId}::uuid and content_hash = ${current.contentHash}
            returning ${memoryColumns(table)}`.execute(trx),
        oneStatement,
      )
      const row = rows.rows[0]
      if (!row) {
        // Owner-only policies: a row the user cannot see is one they cannot change, so this is
        // either a deletion or a concurrent content change since `find`.
        const still = await find(memoryId, { ...(sessionId === undefined ? {} : { sessionId }) })
        if (!still) throw new NotFoundError('Memory not found')
        throw new TripSageError('conflict', 'The memory changed concurrently; retry the update')
      }
      return toMemory(row)
    },

    forget: async (id, selector) => {
      const memoryId = parseInput(MemoryId, id, what)
      const { sessionId } = parseInput(MemorySelector, selector ?? {}, what)
      const table = tableOf(sessionId)
      const result = await run(
        (trx) =>
          sql`delete from ${tableRef(table)} where id = ${memoryId}::uuid
            ${sessionId === undefined ? sql`` : sql`and session_id = ${sessionId}::uuid`}`.execute(trx),
        oneStatement,
      )
      // Owner-only policies: 0 rows means absent or someone else's, both invisible.
      if (Number(result.numAffectedRows ?? 0) === 0) throw new NotFoundError('Memory not found')
    },

    forgetAll: async (input) => {
      const parsed = parseInput(ForgetAllMemoriesInput, input ?? {}, what)
      const table = tableOf(parsed.sessionId)
      const rows = await run(
        (trx) =>
          sql<{ count: number | string }>`
            with deleted as (
              delete from ${tableRef(table)}
              where ${filterConditions({ ...parsed, includeExpired: true })}
              returning 1
            )
            select count(*)::int as count from deleted`.execute(trx),
        oneStatement,
      )
      return Number(rows.rows[0]?.count ?? 0)
    },

    search,
    hybridSearch,

    history: async (id, options) => {
      const memoryId = parseInput(MemoryId, id, what)
      const { limit } = parseInput(MemoryHistoryOptions, options ?? {}, what)
      return run((trx) => readHistory(trx, memoryId, limit), oneStatement)
    },

    restore: async (ref, options) => {
      const id = parseInput(MemoryId, ref, what)
      const active = requireEmbedder(embedder)
      return run((trx) =>
        restoreFromHistory(trx, scope.userId as string, id, async (content) => {
          const [vector] = await embed([content], options)
          return { vector: vector as number[], model: active.model }
        }),
      )
    },
  }
}
