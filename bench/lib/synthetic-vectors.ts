/**
 * The clustered synthetic 1536-dim vectors the native vector suites share (vector, scaling,
 * hnsw-recall), generated set-based in SQL on one session: `CLUSTERS` random centres plus a sum of
 * randomly scaled noise vectors from a pool of 1 000, so neighbourhoods are realistic enough for
 * HNSW recall to be non-trivial. Everything here needs ONE connection (temp tables), and builds
 * the HNSW index after a bulk load with the migration's own definition.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely'

/** Centres per corpus. */
export const CLUSTERS = 100
/** The model id stored with synthetic rows. */
export const SYNTHETIC_MODEL = 'bench-synthetic'

/** `<alias>.v` scaled by a random factor in [0, 0.5), as pgvector SQL. */
const scaled = (alias: string) =>
  sql.raw(`${alias}.v operator(extensions.*) array_fill((random() * 0.5)::real, array[1536])::extensions.vector`)

/** Noise joins (aliases a, b, d…) of a generated vector for row `g`, and the sum expression. */
function noiseTerms(terms: number, row: string, salts: Array<[number, number]>) {
  const aliases = ['a', 'b', 'd'].slice(0, terms)
  const joins = aliases.map((alias, i) =>
    sql.raw(`join noise ${alias} on ${alias}.n = (${row} * ${salts[i]![0]} + ${salts[i]![1]}) % 1000`),
  )
  const sum = sql.join([sql.raw('c.v'), ...aliases.map((a) => scaled(a))], sql.raw(' operator(extensions.+) '))
  return { joins: sql.join(joins, sql.raw(' ')), sum }
}

const ROW_SALTS: Array<[number, number]> = [
  [7919, 0],
  [104729, 13],
  [1299709, 101],
]
const QUERY_SALTS: Array<[number, number]> = [
  [613, 5],
  [211, 17],
  [97, 29],
]

/**
 * Creates the temp tables `centers` and `noise` (seeded, so every run draws the same vectors).
 *
 * @param db - a Kysely instance on ONE connection
 * @param seed - `setseed` argument in [-1, 1]
 */
export async function createVectorSource(db: Kysely<any>, seed: number): Promise<void> {
  await sql`drop table if exists centers, noise`.execute(db)
  await sql`select setseed(${seed})`.execute(db)
  await sql`create temp table centers as
    select c, array(select (random() - 0.5)::real from generate_series(1, 1536) where c >= 0)::extensions.vector as v
    from generate_series(0, ${CLUSTERS - 1}) c`.execute(db)
  await sql`create temp table noise as
    select n, array(select (random() - 0.5)::real from generate_series(1, 1536) where n >= 0)::extensions.vector as v
    from generate_series(0, 999) n`.execute(db)
}

/** Options of {@link insertSyntheticMemories}. */
export interface SyntheticMemoryRows {
  /** Owners: row `g` belongs to `userIds[g % userIds.length]`. */
  userIds: readonly string[]
  /** Rows `[from, to)`. */
  from: number
  to: number
  /** Prefix of `content` and of its hash (keeps rows of separate loads distinct). */
  tag: string
  /** Noise vectors added to the centre (2 or 3; 3 spreads clusters more). */
  noise: 2 | 3
  /**
   * Travel words in the content (so full-text search has work) and `metadata.bucket`, which a
   * `{ bucket }` filter matches on 1 % of one user's rows.
   */
  searchable?: boolean
}

/**
 * `select g, cluster, v from …`: rows `[from, to)` of generated vectors (needs
 * {@link createVectorSource}), for an `insert … select` into any table.
 *
 * @param noise - noise vectors added to the centre (3 spreads clusters more than 2)
 */
export function syntheticVectorRows(from: number, to: number, noise: 2 | 3): RawBuilder<unknown> {
  const { joins, sum } = noiseTerms(noise, 'g', ROW_SALTS)
  return sql`select g, c.c as cluster, ${sum} as v
    from generate_series(${from}::bigint, ${to - 1}) g
    join centers c on c.c = (g * 31 + g / 100) % ${CLUSTERS}
    ${joins}`
}

/**
 * Inserts synthetic rows into `public.memories` in one set-based statement (needs
 * {@link createVectorSource} first). Drop the HNSW index before a big load and rebuild it after
 * ({@link withoutEmbeddingIndex}): a load with the index maintained costs ~10× more.
 */
export async function insertSyntheticMemories(db: Kysely<any>, rows: SyntheticMemoryRows): Promise<void> {
  const users = rows.userIds.length
  const owners = sql.raw(`array[${rows.userIds.map((u) => `'${u}'`).join(',')}]::uuid[]`)
  const content = rows.searchable
    ? sql`${rows.tag} || ' memory ' || g || ' about ' || (array['lisbon','kyoto','ramen','ferry','museum','hiking','beach','visa'])[1 + g % 8]
        || ' and ' || (array['train','hotel','window','aisle','budget','family','dog','vegan'])[1 + (g / 8) % 8]`
    : sql`${rows.tag} || ' memory ' || g`
  const metadata = rows.searchable
    ? sql`jsonb_build_object('cluster', cluster, 'bucket', (g / ${users}) % 100)`
    : sql`'{}'::jsonb`
  await sql`
    insert into public.memories (user_id, content, content_hash, embedding, embedding_model, metadata)
    select (${owners})[1 + g % ${users}], ${content},
      encode(sha256((${rows.tag} || ' memory ' || g)::bytea), 'hex'), v, ${SYNTHETIC_MODEL}, ${metadata}
    from (${syntheticVectorRows(rows.from, rows.to, rows.noise)}) generated`.execute(db)
}

/**
 * `count` query vectors near the centres (needs {@link createVectorSource}), as pgvector text.
 *
 * @param noise - noise vectors added (queries use one fewer than rows, so they sit nearer a centre)
 */
export async function syntheticQueries(db: Kysely<any>, count: number, noise: 1 | 2 | 3): Promise<string[]> {
  const { joins, sum } = noiseTerms(noise, 'i', QUERY_SALTS)
  const result = await sql<{ v: string }>`
    select (${sum})::text as v
    from generate_series(0, ${count - 1}) i
    join centers c on c.c = (i * 37) % ${CLUSTERS}
    ${joins}
    order by i`.execute(db)
  return result.rows.map((row) => row.v)
}

/** The migration's definition of `memories_embedding_idx` (so a rebuild matches production). */
export async function embeddingIndexDefinition(db: Kysely<any>): Promise<string> {
  const [row] = (
    await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'memories_embedding_idx'`.execute(
      db,
    )
  ).rows
  if (!row) throw new Error('memories_embedding_idx is missing: are the migrations applied?')
  return row.indexdef
}

/**
 * Drops `memories_embedding_idx`, runs `load`, rebuilds the index with its own definition
 * (`maintenance_work_mem` 1 GB, so a 100 000-row build stays in memory) and analyzes. Returns the
 * load's and the build's times in ms.
 */
export async function withoutEmbeddingIndex(
  db: Kysely<any>,
  load: () => Promise<void>,
): Promise<{ loadMs: number; indexBuildMs: number }> {
  const definition = await embeddingIndexDefinition(db)
  await sql`drop index if exists public.memories_embedding_idx`.execute(db)
  const started = performance.now()
  await load()
  const loaded = performance.now()
  await sql`set maintenance_work_mem = '1GB'`.execute(db)
  await sql.raw(definition).execute(db)
  await sql`reset maintenance_work_mem`.execute(db)
  const built = performance.now()
  await sql`analyze public.memories`.execute(db)
  return { loadMs: Math.round(loaded - started), indexBuildMs: Math.round(built - loaded) }
}

/** Transaction-local role, claims and settings for raw SQL run "as the user", as one statement. */
export function asUserStatement(claims: object, settings: Readonly<Record<string, string>> = {}): RawBuilder<unknown> {
  const extra = Object.entries(settings).map(([name, value]) => sql`, set_config(${name}, ${value}, true)`)
  return sql`select set_config('role', 'authenticated', true),
    set_config('request.jwt.claims', ${JSON.stringify({ ...claims, role: 'authenticated' })}, true)${sql.join(extra, sql.raw(''))}`
}
