import { type RawBuilder, sql } from 'kysely'
import { jsonFromText } from '../db/json-param.js'
import { oneStatement } from '../db/run-in-scope.js'
import type { ScopedTransaction, ScopeRunOptions } from '../db/scope.js'
import { timestamptzFromText } from '../db/temporal-param.js'
import type { Embedder } from '../embeddings/embedder.js'
import { toVectorText } from '../embeddings/vector-text.js'
import { TripSageError } from '../errors.js'
import { parseInput } from '../validation.js'
import { contentHash } from './content-hash.js'
import { missingModel, requireEmbedder } from './embedding.js'
import type { MemoryCallOptions } from './repository.js'
import { toMemory } from './rows.js'
import { AddManyMemoriesInput, type Memory, type MemoryMetadata, type MemoryType } from './schema.js'
import { type MemoryRow, type MemoryTable, memoryColumns, tableRef } from './statements.js'

/** What {@link addMemories} uses of the repository it belongs to. */
export interface AddMemoriesContext {
  /** The scope's user (the rows' owner). */
  userId: string
  /** The configured embedder, if any. */
  embedder: Embedder | undefined
  /** Runs `fn` in one scoped transaction (or one per statement with `oneStatement`), mapping database errors. */
  run: <T>(fn: (trx: ScopedTransaction) => Promise<T>, options?: ScopeRunOptions) => Promise<T>
  /** Embeds texts in one call. */
  embed: (texts: string[], options: MemoryCallOptions | undefined) => Promise<number[][]>
}

const what = 'memory'

/**
 * `me.memory.addMany`: one lookup, ONE embed call for the new contents, and ONE multi-row INSERT
 * per table, all-or-nothing; see `MemoryRepository.addMany`.
 *
 * @param context - the repository's user, embedder, transaction runner and embed call
 * @param inputs - 1–100 memories (parsed here)
 * @param options - aborts the embed call
 */
export async function addMemories(
  context: AddMemoriesContext,
  inputs: unknown,
  options?: MemoryCallOptions,
): Promise<Memory[]> {
  const { userId, embedder, run, embed } = context
  const items = parseInput(AddManyMemoriesInput, inputs, what)
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

  // Reads only: each may run in its own transaction, so the lookup costs one round trip.
  const existing = await run((trx) => findExisting(trx, distinct), oneStatement)
  const resolve = (p: (typeof pending)[number], rows: MemoryRow[]): MemoryRow | undefined =>
    rows.find((r) => sameTable(r, p.table) && dedupKey(p.table, r.session_id ?? undefined, r.content_hash) === p.key) ??
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
  const tables = (['memories', 'session_memories'] as const).filter((table) => toInsert.some((p) => p.table === table))
  // One write (one table, nothing to refresh) commits with its statement: one round trip. The read
  // of rows a concurrent add committed, if any, then runs after it. Several writes share one
  // transaction (all-or-nothing).
  const singleWrite = tables.length + toRefresh.length === 1
  const rows = await run(
    async (trx) => {
      const written: MemoryRow[] = []
      for (const table of tables) {
        const batch = toInsert.filter((p) => p.table === table)
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
        if (expired) set.push(sql`expires_at = ${timestamptzFromText(p.item.expiresAt ?? null)}`)
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
    },
    singleWrite ? oneStatement : undefined,
  )
  return pending.map((p) => {
    const row = resolve(p, rows) ?? resolve(p, existing)
    if (!row) throw new TripSageError('internal', 'A memory was neither inserted nor found')
    return toMemory(row)
  })
}

function dedupKey(table: MemoryTable, sessionId: string | undefined, hash: string): string {
  return table === 'memories' ? `m:${hash}` : `s:${sessionId}:${hash}`
}

function sameTable(row: MemoryRow, table: MemoryTable): boolean {
  return (row.session_id === null) === (table === 'memories')
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
