import { type RawBuilder, sql } from 'kysely'
import { toTripSageError } from '../db/database-error.js'
import { jsonbValue, jsonFromText } from '../db/json-param.js'
import type { Scope, ScopedTransaction, ScopeRunOptions } from '../db/scope.js'
import { assertEmbedderFitsColumn, assertEmbeddings, type Embedder } from '../embeddings/embedder.js'
import { parseVectorText, toVectorText } from '../embeddings/vector-text.js'
import { NotFoundError, TripSageError, ValidationError } from '../errors.js'
import { decodeCursor, type Page, toPage } from '../pagination.js'
import { parseInput } from '../validation.js'
import { contentHash } from './content-hash.js'
import { maximalMarginalRelevance } from './mmr.js'
import {
  AddManyMemoriesInput,
  type AddMemoryInput,
  ForgetAllMemoriesInput,
  HybridSearchMemoriesInput,
  ListMemoriesInput,
  type Memory,
  type MemoryHybridHit,
  MemoryId,
  type MemoryMetadata,
  type MemorySearchHit,
  MemorySelector,
  type MemoryType,
  MmrOptions,
  PurgeExpiredMemoriesInput,
  type PurgeExpiredMemoriesResult,
  SearchMemoriesInput,
  UpdateMemoryInput,
} from './schema.js'
import {
  filterConditions,
  hnswSettings,
  hybridSearchStatement,
  type MemoryRow,
  type MemoryTable,
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
}

/** Memory maintenance for jobs (`tripsage.service.memory`). */
export interface MemoryServiceRepository {
  /** Deletes memories and session memories past `expiresAt`, at most `limit` per table per call. */
  purgeExpired(input?: PurgeExpiredMemoriesInput): Promise<PurgeExpiredMemoriesResult>
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

  const embed = async (texts: string[], options: MemoryCallOptions | undefined): Promise<number[][]> => {
    if (texts.length === 0) return []
    const active = requireEmbedder(embedder)
    let vectors: number[][]
    try {
      vectors = await active.embed(texts, options?.signal ? { signal: options.signal } : undefined)
    } catch (error) {
      if (TripSageError.isInstance(error)) throw error
      throw new TripSageError('unavailable', `The embedder "${active.model}" failed`, {
        cause: error instanceof Error ? { name: error.name } : undefined,
        details: { model: active.model },
      })
    }
    assertEmbeddings(vectors, texts.length, active.model)
    return vectors
  }

  const addMany = async (inputs: unknown, options?: MemoryCallOptions): Promise<Memory[]> => {
    const items = parseInput(AddManyMemoriesInput, inputs, what)
    const userId = scope.userId as string
    // Resolve each input to its dedup key and model before touching the database, so a missing
    // embedder is a validation error with nothing written.
    const pending = await Promise.all(
      items.map(async (item) => {
        const table: MemoryTable = item.sessionId === undefined ? 'memories' : 'session_memories'
        const hash = await contentHash(item.content)
        const model = item.embeddingModel ?? (item.embedding ? embedder?.model : requireEmbedder(embedder).model)
        if (model === undefined) throw missingModel()
        return { item, table, hash, model, key: dedupKey(table, item.sessionId, hash) }
      }),
    )
    const unique = new Map<string, (typeof pending)[number]>()
    for (const p of pending) if (!unique.has(p.key)) unique.set(p.key, p)
    const distinct = [...unique.values()]

    const existing = await run((trx) => findExisting(trx, distinct))
    const resolve = (p: (typeof pending)[number], rows: MemoryRow[]): MemoryRow | undefined =>
      rows.find(
        (r) => sameTable(r, p.table) && dedupKey(p.table, r.session_id ?? undefined, r.content_hash) === p.key,
      ) ??
      (p.table === 'session_memories' && p.item.sourceMessageId !== undefined
        ? rows.find((r) => r.session_id !== null && r.source_message_id === p.item.sourceMessageId)
        : undefined)

    const toInsert = distinct.filter((p) => resolve(p, existing) === undefined)
    // An existing match is refreshed when it expired (revived with the new expiry) or was embedded
    // by another model (re-embedded), so a re-add never returns a memory recall cannot see.
    const toRefresh = distinct.flatMap((p) => {
      const row = resolve(p, existing)
      if (!row) return []
      const expired = row.expires_at !== null && new Date(row.expires_at).getTime() <= Date.now()
      const staleModel = row.embedding_model !== p.model
      return expired || staleModel ? [{ p, row, expired, staleModel }] : []
    })

    const needsVector = [
      ...toInsert.filter((p) => p.item.embedding === undefined).map((p) => ({ p, content: p.item.content })),
      ...toRefresh
        .filter((r) => r.staleModel && r.p.item.embedding === undefined)
        .map((r) => ({ p: r.p, content: r.row.content })),
    ]
    const vectors = await embed(
      needsVector.map((n) => n.content),
      options,
    )
    const vectorOf = new Map<string, number[]>()
    needsVector.forEach((n, i) => {
      vectorOf.set(n.p.key, vectors[i] as number[])
    })
    for (const p of distinct) if (p.item.embedding) vectorOf.set(p.key, p.item.embedding)

    if (toInsert.length === 0 && toRefresh.length === 0) {
      return pending.map((p) => resolve(p, existing) as MemoryRow).map(toMemory)
    }
    const rows = await run(async (trx) => {
      const written: MemoryRow[] = []
      for (const table of ['memories', 'session_memories'] as const) {
        const batch = toInsert.filter((p) => p.table === table)
        if (batch.length === 0) continue
        const result = await insertStatement(
          table,
          userId,
          batch.map((p) => ({
            memory_type: table === 'memories' ? (p.item.type ?? 'user_preference') : null,
            session_id: p.item.sessionId ?? null,
            content: p.item.content,
            content_hash: p.hash,
            embedding: toVectorText(vectorOf.get(p.key) as number[]),
            embedding_model: p.model,
            metadata: p.item.metadata ?? {},
            importance: p.item.importance ?? 0.5,
            source_message_id: p.item.sourceMessageId ?? null,
            expires_at: p.item.expiresAt ?? null,
          })),
        ).execute(trx)
        written.push(...result.rows)
      }
      for (const { p, row, expired, staleModel } of toRefresh) {
        const set: RawBuilder<unknown>[] = []
        if (expired) set.push(sql`expires_at = ${p.item.expiresAt ?? null}::timestamptz`)
        if (staleModel) {
          set.push(sql`embedding = ${toVectorText(vectorOf.get(p.key) as number[])}::extensions.vector`)
          set.push(sql`embedding_model = ${p.model}`)
        }
        const result = await sql<MemoryRow>`
          update ${tableRef(p.table)} set ${sql.join(set)} where id = ${row.id}::uuid
          returning ${memoryColumns(p.table)}`.execute(trx)
        written.push(...result.rows)
      }
      const missing = distinct.filter((p) => resolve(p, written) === undefined && resolve(p, existing) === undefined)
      // A concurrent add of the same content committed after this statement's snapshot: read it now.
      if (missing.length > 0) written.push(...(await findExisting(trx, missing)))
      return written
    })
    return pending.map((p) => {
      const row = resolve(p, rows) ?? resolve(p, existing)
      if (!row) throw new TripSageError('internal', 'A memory was neither inserted nor found')
      return toMemory(row)
    })
  }

  const find = async (id: unknown, selector?: unknown): Promise<Memory | null> => {
    const memoryId = parseInput(MemoryId, id, what)
    const { sessionId } = parseInput(MemorySelector, selector ?? {}, what)
    const table = tableOf(sessionId)
    const rows = await run((trx) =>
      sql<MemoryRow>`
          select ${memoryColumns(table)} from ${tableRef(table)}
          where id = ${memoryId}::uuid ${sessionId === undefined ? sql`` : sql`and session_id = ${sessionId}::uuid`}`.execute(
        trx,
      ),
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
    const rows = await run(
      async (trx) => {
        const result = await searchStatement({
          table,
          vector: toVectorText(vector as number[]),
          filters: { ...parsed, embeddingModel: parsed.embeddingModel ?? embedder?.model ?? null },
          limit: fetch,
          maxDistance: parsed.minSimilarity === undefined ? undefined : 1 - parsed.minSimilarity,
          withEmbedding: mmr !== undefined,
        }).execute(trx)
        return result.rows
      },
      hnswSettings(Math.max(parsed.efSearch, fetch)),
    )
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
    const rows = await run(
      async (trx) => {
        const result = await hybridSearchStatement({
          table,
          vector: toVectorText(vector as number[]),
          text: parsed.query,
          filters: { ...parsed, embeddingModel: parsed.embeddingModel ?? embedder?.model ?? null },
          candidates,
          limit: parsed.limit,
          vectorWeight: parsed.weights?.vector ?? 1,
          textWeight: parsed.weights?.text ?? 1,
          rrfK: parsed.rrfK,
        }).execute(trx)
        return result.rows
      },
      hnswSettings(Math.max(parsed.efSearch, candidates)),
    )
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
      const rows = await run((trx) =>
        sql<MemoryRow & { created_key: string }>`
            select ${memoryColumns(table)}, ${createdKey} as created_key
            from ${tableRef(table)}
            where ${filterConditions(parsed)}
              ${after ? sql`and (created_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
            order by created_at desc, id desc
            limit ${parsed.limit + 1}`.execute(trx),
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
      if (changes.expiresAt !== undefined) set.push(sql`expires_at = ${changes.expiresAt}::timestamptz`)
      if (set.length === 0) return current
      const rows = await run((trx) =>
        // Guarded by the hash we embedded from: a concurrent content change makes this a conflict.
        sql<MemoryRow>`
            update ${tableRef(table)} set ${sql.join(set)}
            where id = ${memoryId}::uuid and content_hash = ${current.contentHash}
            returning ${memoryColumns(table)}`.execute(trx),
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
      const result = await run((trx) =>
        sql`delete from ${tableRef(table)} where id = ${memoryId}::uuid
            ${sessionId === undefined ? sql`` : sql`and session_id = ${sessionId}::uuid`}`.execute(trx),
      )
      // Owner-only policies: 0 rows means absent or someone else's, both invisible.
      if (Number(result.numAffectedRows ?? 0) === 0) throw new NotFoundError('Memory not found')
    },

    forgetAll: async (input) => {
      const parsed = parseInput(ForgetAllMemoriesInput, input ?? {}, what)
      const table = tableOf(parsed.sessionId)
      const rows = await run((trx) =>
        sql<{ count: number | string }>`
            with deleted as (
              delete from ${tableRef(table)}
              where ${filterConditions({ ...parsed, includeExpired: true })}
              returning 1
            )
            select count(*)::int as count from deleted`.execute(trx),
      )
      return Number(rows.rows[0]?.count ?? 0)
    },

    search,
    hybridSearch,
  }
}

/**
 * Builds `tripsage.service.memory`.
 *
 * @param scope - the service scope (or one bound to an open transaction)
 * @param ports - the embedder (checked like the user repository's)
 */
export function createMemoryServiceRepository(scope: Scope, ports: MemoryPorts): MemoryServiceRepository {
  assertEmbedderFitsColumn(ports.embedder)
  return {
    purgeExpired: async (input) => {
      const { limit } = parseInput(PurgeExpiredMemoriesInput, input ?? {}, what)
      try {
        return await scope.run(async (trx) => {
          // One statement; the partial `expires_at` indexes find the rows, oldest expiry first.
          const result = await sql<{ memories: number; session_memories: number }>`
            with purged_memories as (
              delete from public.memories where id in (
                select id from public.memories where expires_at <= now() order by expires_at limit ${limit})
              returning 1
            ),
            purged_session_memories as (
              delete from public.session_memories where id in (
                select id from public.session_memories where expires_at <= now() order by expires_at limit ${limit})
              returning 1
            )
            select (select count(*)::int from purged_memories) as memories,
              (select count(*)::int from purged_session_memories) as session_memories`.execute(trx)
          const row = result.rows[0]
          return { memories: Number(row?.memories ?? 0), sessionMemories: Number(row?.session_memories ?? 0) }
        })
      } catch (error) {
        throw toTripSageError(error, what)
      }
    },
  }
}

/** The created_at of a row as a lossless (microsecond) UTC string, for keyset cursors. */
const createdKey = sql.raw(`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`)

function tableOf(sessionId: string | undefined): MemoryTable {
  return sessionId === undefined ? 'memories' : 'session_memories'
}

function dedupKey(table: MemoryTable, sessionId: string | undefined, hash: string): string {
  return table === 'memories' ? `m:${hash}` : `s:${sessionId}:${hash}`
}

function sameTable(row: MemoryRow, table: MemoryTable): boolean {
  return (row.session_id === null) === (table === 'memories')
}

function requireEmbedder(embedder: Embedder | undefined): Embedder {
  if (embedder) return embedder
  throw new ValidationError(
    'No embedder is configured: pass createTripSage({ db, embedder }) (e.g. localEmbedder() or aiSdkEmbedder(model)), or pass `embedding` with `embeddingModel`',
    { details: { option: 'embedder' } },
  )
}

function missingModel(): ValidationError {
  return new ValidationError('Invalid memory', {
    details: {
      issues: [
        { path: 'embeddingModel', message: 'embeddingModel is required with embedding when no embedder is configured' },
      ],
    },
  })
}

/** Existing rows matching the dedup keys (or, for session memories, the source message ids). */
async function findExisting(
  trx: ScopedTransaction,
  items: readonly {
    table: MemoryTable
    hash: string
    item: { sessionId?: string | undefined; sourceMessageId?: string | undefined }
  }[],
): Promise<MemoryRow[]> {
  const rows: MemoryRow[] = []
  const longTerm = items.filter((p) => p.table === 'memories')
  if (longTerm.length > 0) {
    const result = await sql<MemoryRow>`
      select ${memoryColumns('memories')} from public.memories
      where content_hash in (${sql.join(longTerm.map((p) => p.hash))})`.execute(trx)
    rows.push(...result.rows)
  }
  const session = items.filter((p) => p.table === 'session_memories')
  if (session.length > 0) {
    const keys = session.map((p) => sql`(${p.item.sessionId}::uuid, ${p.hash})`)
    const sources = session.flatMap((p) => (p.item.sourceMessageId === undefined ? [] : [p.item.sourceMessageId]))
    const result = await sql<MemoryRow>`
      select ${memoryColumns('session_memories')} from public.session_memories
      where (session_id, content_hash) in (${sql.join(keys)})
        ${sources.length > 0 ? sql`or source_message_id in (${sql.join(sources.map((s) => sql`${s}::uuid`))})` : sql``}`.execute(
      trx,
    )
    rows.push(...result.rows)
  }
  return rows
}

/** One row to insert, in column names. */
interface InsertRow {
  memory_type: MemoryType | null
  session_id: string | null
  content: string
  content_hash: string
  embedding: string
  embedding_model: string
  metadata: MemoryMetadata
  importance: number
  source_message_id: string | null
  expires_at: string | null
}

/**
 * ONE multi-row INSERT from a single JSON parameter (constant parameter count at any batch size).
 * `on conflict do nothing` skips rows whose dedup key is already taken; the union adds the rows
 * that hold those keys. The statement's snapshot predates its own inserts, so the union only sees
 * rows that existed before and nothing is returned twice. (A row committed by a concurrent
 * transaction after the snapshot is skipped but not returned: the caller reads it afterwards.)
 */
function insertStatement(table: MemoryTable, userId: string, rows: InsertRow[]): RawBuilder<MemoryRow> {
  const json = JSON.stringify(rows)
  const recordType = sql.raw(
    'memory_type text, session_id uuid, content text, content_hash text, embedding text, embedding_model text, ' +
      'metadata jsonb, importance real, source_message_id uuid, expires_at timestamptz',
  )
  const insert =
    table === 'memories'
      ? sql`insert into public.memories (user_id, memory_type, content, content_hash, embedding, embedding_model,
            metadata, importance, source_message_id, expires_at)
          select ${userId}::uuid, memory_type, content, content_hash, embedding::extensions.vector, embedding_model,
            metadata, importance, source_message_id, expires_at
          from input`
      : sql`insert into public.session_memories (user_id, session_id, content, content_hash, embedding, embedding_model,
            metadata, importance, source_message_id, expires_at)
          select ${userId}::uuid, session_id, content, content_hash, embedding::extensions.vector, embedding_model,
            metadata, importance, source_message_id, expires_at
          from input`
  const holders =
    table === 'memories'
      ? sql`content_hash in (select content_hash from input)`
      : sql`(session_id, content_hash) in (select session_id, content_hash from input)
          or source_message_id in (select source_message_id from input where source_message_id is not null)`
  return sql<MemoryRow>`
    with input as (select * from json_to_recordset(${jsonFromText(json)}) as r(${recordType})),
    inserted as (${insert} on conflict do nothing returning ${memoryColumns(table)})
    select * from inserted
    union all
    select ${memoryColumns(table)} from ${tableRef(table)} where ${holders}`
}

function toIso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString()
}

/** Maps a row of either table to the public {@link Memory}. */
function toMemory(row: MemoryRow): Memory {
  return {
    id: row.id,
    userId: row.user_id,
    sessionId: row.session_id,
    type: row.memory_type as MemoryType | null,
    content: row.content,
    contentHash: row.content_hash,
    embeddingModel: row.embedding_model,
    metadata: (typeof row.metadata === 'string' ? JSON.parse(row.metadata) : row.metadata) as MemoryMetadata,
    importance: Number(row.importance),
    sourceMessageId: row.source_message_id,
    expiresAt: row.expires_at === null ? null : toIso(row.expires_at),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  }
}
