import { type RawBuilder, sql } from 'kysely'
import { jsonbValue } from '../db/json-param.js'
import type { ScopeRunOptions } from '../db/scope.js'
import { timestamptzFromText } from '../db/temporal-param.js'
import type { MemoryMetadata, MemoryType } from './schema.js'

/** The two memory tables: long-term `memories` and per-chat-session `session_memories`. */
export type MemoryTable = 'memories' | 'session_memories'

/** A memory row as the statements below select it (both tables share this shape). */
export interface MemoryRow {
  id: string
  user_id: string
  session_id: string | null
  memory_type: string | null
  content: string
  content_hash: string
  embedding_model: string
  metadata: unknown
  importance: number
  source_message_id: string | null
  expires_at: Date | string | null
  created_at: Date | string
  updated_at: Date | string
}

/** A row of {@link searchStatement}. */
export interface SearchRow extends MemoryRow {
  /** Cosine distance to the query, in [0, 2]. */
  distance: number
  /** The embedding in pgvector's text form, only when asked for (MMR). */
  embedding_text?: string
}

/** A row of {@link hybridSearchStatement}. */
export interface HybridRow extends MemoryRow {
  distance: number
  score: number
  vector_rank: number | string | null
  text_rank: number | string | null
}

/** The names of the columns {@link memoryColumns} selects, in order. */
const memoryColumnNames = [
  'id',
  'user_id',
  'session_id',
  'memory_type',
  'content',
  'content_hash',
  'embedding_model',
  'metadata',
  'importance',
  'source_message_id',
  'expires_at',
  'created_at',
  'updated_at',
] as const

/** The memory columns, in the same shape for both tables. */
export function memoryColumns(table: MemoryTable, alias?: string): RawBuilder<unknown> {
  const p = alias ? `${alias}.` : ''
  return sql.raw(
    memoryColumnNames
      .map((name) => {
        if (name === 'session_id' && table === 'memories') return 'null::uuid as session_id'
        if (name === 'memory_type' && table === 'session_memories') return 'null::text as memory_type'
        return `${p}${name}`
      })
      .join(', '),
  )
}

/** `public.<table>`, from the closed set of memory tables. */
export function tableRef(table: MemoryTable): RawBuilder<unknown> {
  return sql.raw(`public.${table}`)
}

/** The filters recall and listing share. */
export interface MemoryFilters {
  types?: readonly MemoryType[] | undefined
  sessionId?: string | undefined
  metadata?: MemoryMetadata | undefined
  since?: string | undefined
  /** Only rows embedded by this model (vectors of different models are not comparable). */
  embeddingModel?: string | null | undefined
  /** Keep rows past `expires_at` (listing only). */
  includeExpired?: boolean | undefined
}

/**
 * The WHERE conditions of a filter set. Row ownership is not among them: RLS adds
 * `user_id = (select auth.uid())`.
 */
export function filterConditions(filters: MemoryFilters): RawBuilder<unknown> {
  const conditions: RawBuilder<unknown>[] = []
  if (!filters.includeExpired) conditions.push(sql`(expires_at is null or expires_at > now())`)
  if (filters.types) conditions.push(sql`memory_type in (${sql.join(filters.types)})`)
  if (filters.sessionId !== undefined) conditions.push(sql`session_id = ${filters.sessionId}::uuid`)
  if (filters.metadata) conditions.push(sql`metadata @> ${jsonbValue(filters.metadata)}`)
  if (filters.since !== undefined) conditions.push(sql`created_at >= ${timestamptzFromText(filters.since)}`)
  if (filters.embeddingModel) conditions.push(sql`embedding_model = ${filters.embeddingModel}`)
  return conditions.length === 0 ? sql`true` : sql.join(conditions, sql` and `)
}

/**
 * The HNSW search knobs, set transaction-locally (`set_config(…, true)` = `SET LOCAL`) in the
 * scope statement: `ef_search`, and `iterative_scan = relaxed_order` so that when filters (or RLS)
 * reject candidates the index keeps scanning until `limit` rows pass — up to
 * `hnsw.max_scan_tuples`.
 */
export function hnswSettings(efSearch: number): ScopeRunOptions {
  // Searches are one read statement: `commit` may leave with it (one round trip on pipelining drivers).
  return {
    settings: { 'hnsw.ef_search': String(efSearch), 'hnsw.iterative_scan': 'relaxed_order' },
    oneStatement: true,
  }
}

/** The same settings as a statement, for a transaction opened by hand. */
export function hnswSettingsStatement(efSearch: number): RawBuilder<unknown> {
  return sql`select set_config('hnsw.ef_search', ${String(efSearch)}, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`
}

/** Parameters of {@link searchStatement}. */
export interface SearchStatementParams {
  table: MemoryTable
  /** The query vector in pgvector's text form. */
  vector: string
  filters: MemoryFilters
  /** Rows the index scan returns. */
  limit: number
  /** Keep rows at most this cosine distance away (from `minSimilarity`). */
  maxDistance?: number | undefined
  /** Also return each row's embedding (for MMR). */
  withEmbedding?: boolean
}

/**
 * Nearest neighbours by cosine distance. The inner query orders by the `<=>` expression itself
 * (through its alias), which is what lets Postgres use the HNSW index — ordering by `1 - distance`
 * would not. It is a MATERIALIZED CTE so the similarity threshold is applied to its result instead
 * of turning into an index filter (which would make an iterative scan run to `max_scan_tuples`),
 * and the outer ORDER BY restores exact order after a `relaxed_order` scan.
 */
export function searchStatement(p: SearchStatementParams): RawBuilder<SearchRow> {
  const embedding = p.withEmbedding ? sql`, embedding::text as embedding_text` : sql``
  const threshold = p.maxDistance === undefined ? sql`` : sql`where distance <= ${p.maxDistance}`
  return sql<SearchRow>`
    with candidates as materialized (
      select ${memoryColumns(p.table)},
        embedding operator(extensions.<=>) ${p.vector}::extensions.vector as distance${embedding}
      from ${tableRef(p.table)}
      where ${filterConditions(p.filters)}
      order by distance
      limit ${p.limit}
    )
    select * from candidates ${threshold}
    order by distance, id`
}

/** Parameters of {@link hybridSearchStatement}. */
export interface HybridStatementParams {
  table: MemoryTable
  vector: string
  /** The user's query for `websearch_to_tsquery('english', …)`. */
  text: string
  filters: MemoryFilters
  /** Rows each arm ranks. */
  candidates: number
  limit: number
  vectorWeight: number
  textWeight: number
  rrfK: number
}

/**
 * Hybrid recall in ONE statement: a vector arm (HNSW, ordered by `<=>`) and a full-text arm
 * (`content_tsv @@ websearch_to_tsquery`, GIN, ranked by `ts_rank_cd`) each rank their top
 * `candidates`; a FULL OUTER JOIN fuses them by Reciprocal Rank Fusion, Σ weight / (k + rank), so a
 * row found by only one arm is kept. Both arms carry the row's columns, so the fusion never goes
 * back to the table. The embedding model filter applies to the vector arm only: keyword matches do
 * not depend on the model.
 */
export function hybridSearchStatement(p: HybridStatementParams): RawBuilder<HybridRow> {
  const textFilters = { ...p.filters, embeddingModel: null }
  const fusedColumns = sql.raw(memoryColumnNames.map((name) => `coalesce(v.${name}, t.${name}) as ${name}`).join(', '))
  // The query vector is sent once and read by both arms through an InitPlan, which the HNSW index
  // scan accepts as its ORDER BY argument.
  const query = sql`(select v from query_vector)`
  return sql<HybridRow>`
    with query_vector as (select ${p.vector}::extensions.vector as v),
    vector_arm as materialized (
      select *, row_number() over (order by distance, id) as rank
      from (
        select ${memoryColumns(p.table)}, embedding operator(extensions.<=>) ${query} as distance
        from ${tableRef(p.table)}
        where ${filterConditions(p.filters)}
        order by distance
        limit ${p.candidates}
      ) nearest
    ),
    text_arm as materialized (
      select ${memoryColumns(p.table, 'matches')},
        matches.embedding operator(extensions.<=>) ${query} as distance,
        row_number() over (order by text_score desc, id) as rank
      from (
        select ${memoryColumns(p.table)}, embedding, ts_rank_cd(content_tsv, query) as text_score
        from ${tableRef(p.table)}, websearch_to_tsquery('english'::regconfig, ${p.text}) as query
        where content_tsv @@ query and ${filterConditions(textFilters)}
        order by text_score desc, id
        limit ${p.candidates}
      ) matches
    )
    select ${fusedColumns}, coalesce(v.distance, t.distance) as distance,
      v.rank as vector_rank, t.rank as text_rank,
      coalesce(${p.vectorWeight}::float8 / (${p.rrfK}::float8 + v.rank), 0)
        + coalesce(${p.textWeight}::float8 / (${p.rrfK}::float8 + t.rank), 0) as score
    from vector_arm v full outer join text_arm t on t.id = v.id
    order by score desc, id
    limit ${p.limit}`
}
