import { type RawBuilder, sql } from 'kysely'
import { jsonbValue } from '../db/json-param.js'
import type { ScopeRunOptions } from '../db/scope.js'
import { timestamptzFromText } from '../db/temporal-param.js'
import { DEFAULT_EF_SEARCH, type MemoryMetadata, type MemoryType } from './schema.js'

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
 * The `hnsw.ef_search` every search statement is PLANNED at, whatever `efSearch` it asked for.
 * pgvector's cost estimate grows with `ef_search` (and it does not count the TOAST reads of an
 * exact scan), so a plain `SET hnsw.ef_search = 400` makes the planner leave the index of a big
 * user's rows for an exact scan of all of them (1–2 s at 100 000 rows); planning at this value and
 * raising `ef_search` when the statement executes (see {@link queryVectorCte}) keeps the plan the
 * default search gets. It is the SDK default (`DEFAULT_EF_SEARCH`), so default searches plan
 * exactly as before.
 */
export const PLANNING_EF_SEARCH = DEFAULT_EF_SEARCH

/**
 * The HNSW settings of a search's scope, set transaction-locally (`set_config(…, true)` =
 * `SET LOCAL`) in the scope's entry, i.e. before the statement is planned: `ef_search` at
 * {@link PLANNING_EF_SEARCH} (the value the planner costs; the statement raises it to the caller's
 * `efSearch` as it executes), and `iterative_scan = relaxed_order` so that when filters (or RLS)
 * reject candidates the index keeps scanning until `limit` rows pass — up to
 * `hnsw.max_scan_tuples`.
 */
export function hnswSettings(): ScopeRunOptions {
  // Searches are one read statement: `commit` may leave with it (one round trip on pipelining drivers).
  return {
    settings: { 'hnsw.ef_search': String(PLANNING_EF_SEARCH), 'hnsw.iterative_scan': 'relaxed_order' },
    oneStatement: true,
  }
}

/** The same settings as a statement, for a transaction opened by hand. */
export function hnswSettingsStatement(): RawBuilder<unknown> {
  return sql`select set_config('hnsw.ef_search', ${String(PLANNING_EF_SEARCH)}, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`
}

/**
 * `query_vector as materialized (…)`: the query vector, read by the index scan through an InitPlan
 * (`(select v from query_vector)`), and in the same row `set_config('hnsw.ef_search', efSearch,
 * true)`. The executor evaluates the InitPlan when the index scan computes its ORDER BY argument,
 * before the scan fetches its first candidates (pgvector reads `hnsw.ef_search` then, in
 * `GetScanItems`), and after the planner chose the plan at {@link PLANNING_EF_SEARCH}: the walk
 * uses the caller's `efSearch`, the plan stays the default's, and it is still one statement.
 * Transaction-local (`true`): it ends with the scope's transaction, like the entry's settings.
 */
function queryVectorCte(vector: string, efSearch: number): RawBuilder<unknown> {
  return sql`query_vector as materialized (
      select ${vector}::extensions.vector as v,
        set_config('hnsw.ef_search', ${String(efSearch)}::text, true) as ef_search
    )`
}

/** The query vector as the index scan's ORDER BY argument (an InitPlan over {@link queryVectorCte}). */
const queryVector = sql`(select v from query_vector)`

/** Parameters of {@link searchStatement}. */
export interface SearchStatementParams {
  table: MemoryTable
  /** The query vector in pgvector's text form. */
  vector: string
  filters: MemoryFilters
  /** Rows the index scan returns. */
  limit: number
  /** `hnsw.ef_search` of the walk, 1–1000, set as the statement executes (planned at {@link PLANNING_EF_SEARCH}). */
  efSearch: number
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
 * and the outer ORDER BY restores exact order after a `relaxed_order` scan. The walk's
 * `ef_search` is raised to `efSearch` as the statement executes ({@link queryVectorCte}).
 */
export function searchStatement(p: SearchStatementParams): RawBuilder<SearchRow> {
  const embedding = p.withEmbedding ? sql`, embedding::text as embedding_text` : sql``
  const threshold = p.maxDistance === undefined ? sql`` : sql`where distance <= ${p.maxDistance}`
  return sql<SearchRow>`
    with ${queryVectorCte(p.vector, p.efSearch)},
    candidates as materialized (
      select ${memoryColumns(p.table)},
        embedding operator(extensions.<=>) ${queryVector} as distance${embedding}
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
  /** `hnsw.ef_search` of the vector arm's walk, set as the statement executes. */
  efSearch: number
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
  // scan accepts as its ORDER BY argument; evaluating it raises `ef_search` (queryVectorCte).
  const query = queryVector
  return sql<HybridRow>`
    with ${queryVectorCte(p.vector, p.efSearch)},
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
