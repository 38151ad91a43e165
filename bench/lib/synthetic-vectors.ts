/**
 * The clustered synthetic 1536-dim vectors the native vector suites share (vector, scaling,
 * hnsw-recall), generated set-based in SQL on one session, in two sets (see {@link VectorSet}):
 *
 * - `realistic` (the gated checks): a common mean direction; `CLUSTERS` centres spread around it
 *   along `GLOBAL_DIRECTIONS` shared directions with a power-law spectrum (amplitude of direction
 *   j ∝ j^-0.5); each row its centre plus the cluster's own `DIRECTIONS_PER_CLUSTER` directions
 *   with the same kind of spectrum, plus a small isotropic term. Every row coefficient and noise
 *   element is a seeded hash of the row number, so no two rows share randomness. Anisotropic,
 *   low local intrinsic dimension, unrelated rows at cosine similarity ~0.75, overlapping
 *   clusters: the structure of text embeddings (decision 0017).
 * - `isotropic` (the `stress` row): a centre plus 2–3 noise vectors from a pool of 1 000, picked by
 *   the row number mod 1 000 and scaled by U[0, 0.5): within a cluster the noise is isotropic in
 *   1536 dimensions, so a query's top 10 are near-ties, the hardest case for any graph index.
 *
 * Everything here needs ONE connection (temp tables), and builds the HNSW index after a bulk load
 * with the migration's own definition.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely'

/** Centres per corpus. */
export const CLUSTERS = 100
/** The model id stored with synthetic rows. */
export const SYNTHETIC_MODEL = 'bench-synthetic'

/**
 * Which synthetic set: `realistic` (anisotropic clusters with a power-law spectrum, per-row
 * hashed randomness; what the gated checks use) or `isotropic` (the original pool-noise set, kept
 * as the `stress` case).
 */
export type VectorSet = 'realistic' | 'isotropic'

/** Own directions per cluster of the realistic set (its local spectrum). */
export const DIRECTIONS_PER_CLUSTER = 32
/** Shared directions the realistic set's centres spread along (its global spectrum). */
export const GLOBAL_DIRECTIONS = 32
/** Amplitude of direction j of either spectrum ∝ `j^-SPECTRUM_DECAY` (× a unit-variance coefficient). */
const SPECTRUM_DECAY = 0.5
/*
 * Variances of the realistic set, in units where a U[-0.5, 0.5)^1536 vector has ‖v‖² = 128:
 * common mean 54.8, centres around it 6, a row around its centre 12.2, isotropic 0.64. So two
 * rows of unrelated clusters are at cosine distance ≈ 0.25 (text embeddings of unrelated texts sit
 * at cosine similarity 0.7–0.8), and clusters overlap: rows of two clusters are only ~1.2× as far
 * apart as rows of one. Centres spread as far as rows (27 around the mean, 12 around the centre)
 * left 100 islands the m 8 graph could not cross (2–3 of 50 queries found nothing; decision 0017).
 */
/** Scale of the common mean direction: √(54.8 / 128). */
const MEAN_SCALE = 0.654
/** Global amplitude scale: 128 · 4.058 · s² = 6 (Σ_{j≤32} 1/j = 4.058). */
const GLOBAL_SCALE = 0.1074
/** Local amplitude scale: 128 · 4.058 · s² = 12.2. */
const SPECTRUM_SCALE = 0.1532
/** Isotropic term: U[-0.5, 0.5)^1536 × this (‖·‖² ≈ 0.64, 5 % of a row's local variance). */
const ISOTROPIC_SCALE = 0.0707
/** 2^53: a hash shifted right by 11 bits, divided by this, is uniform in [-0.5, 0.5). */
const TWO_53 = '9007199254740992'

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
 * Creates the temp tables `centers`, `noise` (isotropic set) and `directions` (realistic set),
 * seeded, so every run draws the same vectors.
 *
 * @param db - a Kysely instance on ONE connection
 * @param seed - `setseed` argument in [-1, 1]
 */
export async function createVectorSource(db: Kysely<any>, seed: number): Promise<void> {
  await sql`drop table if exists centers, noise, directions, realistic_centers`.execute(db)
  await sql`select setseed(${seed})`.execute(db)
  await sql`create temp table centers as
    select c, array(select (random() - 0.5)::real from generate_series(1, 1536) where c >= 0)::extensions.vector as v
    from generate_series(0, ${CLUSTERS - 1}) c`.execute(db)
  await sql`create temp table noise as
    select n, array(select (random() - 0.5)::real from generate_series(1, 1536) where n >= 0)::extensions.vector as v
    from generate_series(0, 999) n`.execute(db)
  await sql`create temp table directions as
    select c, j, array(select (random() - 0.5)::real from generate_series(1, 1536) where c >= 0 and j >= 0)::extensions.vector as v
    from generate_series(0, ${CLUSTERS - 1}) c, generate_series(1, ${DIRECTIONS_PER_CLUSTER}) j`.execute(db)
  await sql`create index on directions (c)`.execute(db)
  await sql`analyze directions`.execute(db)
  // Realistic centres: a common mean plus a power-law mix of shared directions.
  await sql`create temp table realistic_centers as
    with mean_direction as (
      select array(select (random() - 0.5)::real from generate_series(1, 1536))::extensions.vector as v
    ), shared as (
      select j, array(select (random() - 0.5)::real from generate_series(1, 1536) where j >= 0)::extensions.vector as v
      from generate_series(1, ${GLOBAL_DIRECTIONS}) j
    )
    select c, m.v operator(extensions.*) array_fill(${sql.raw(String(MEAN_SCALE))}::real, array[1536])::extensions.vector
      operator(extensions.+) (
        select sum(s.v operator(extensions.*) array_fill((${sql.raw(`${GLOBAL_SCALE} * power(s.j, -${SPECTRUM_DECAY})`)} * sqrt(12) * (random() - 0.5))::real, array[1536])::extensions.vector)
        from shared s where c >= 0) as v
    from generate_series(0, ${CLUSTERS - 1}) c, mean_direction m`.execute(db)
}

/** A seeded hash of `key` (a bigint SQL expression), uniform in [-0.5, 0.5), as SQL. */
const hashUniform = (key: string, seed: number) => `((hashint8extended(${key}, ${seed}) >> 11)::float8 / ${TWO_53})`

/**
 * The realistic vector of row `row` (a bigint SQL expression; negative for queries) in cluster
 * alias `c`: centre + Σ_j SPECTRUM_SCALE · j^-SPECTRUM_DECAY · z_j · direction_j + a small
 * isotropic term, with z_j (unit variance) and the isotropic elements hashed from the row.
 */
function realisticVector(row: string): RawBuilder<unknown> {
  const coefficient = `(${SPECTRUM_SCALE} * power(d.j, -${SPECTRUM_DECAY}) * sqrt(12) * ${hashUniform(`${row} * 64 + d.j`, 11)})::real`
  return sql.raw(`c.v operator(extensions.+) (
      select sum(d.v operator(extensions.*) array_fill(${coefficient}, array[1536])::extensions.vector)
      from directions d where d.c = c.c)
    operator(extensions.+) array(
      select (${ISOTROPIC_SCALE} * ${hashUniform(`${row} * 1536 + i`, 7)})::real
      from generate_series(0, 1535) i)::extensions.vector`)
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
  /** Isotropic set: noise vectors added to the centre (2 or 3; 3 spreads clusters more). */
  noise: 2 | 3
  /** Which set (default `realistic`). */
  set?: VectorSet
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
 * @param noise - isotropic set: noise vectors added to the centre (3 spreads clusters more than 2)
 * @param set - which set (default `realistic`)
 */
export function syntheticVectorRows(
  from: number,
  to: number,
  noise: 2 | 3,
  set: VectorSet = 'realistic',
): RawBuilder<unknown> {
  if (set === 'realistic')
    return sql`select g, c.c as cluster, ${realisticVector('g')} as v
    from generate_series(${from}::bigint, ${to - 1}) g
    join realistic_centers c on c.c = (g * 31 + g / 100) % ${CLUSTERS}`
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
    from (${syntheticVectorRows(rows.from, rows.to, rows.noise, rows.set)}) generated`.execute(db)
}

/**
 * `count` query vectors (needs {@link createVectorSource}), as pgvector text. Realistic set: fresh
 * points of the clusters' distributions (rows −1, −2, … of the hash). Isotropic set: near the
 * centres, with fewer noise vectors than rows.
 *
 * @param noise - isotropic set: noise vectors added (queries use one fewer than rows, so they sit nearer a centre)
 * @param set - which set (default `realistic`)
 */
export async function syntheticQueries(
  db: Kysely<any>,
  count: number,
  noise: 1 | 2 | 3,
  set: VectorSet = 'realistic',
): Promise<string[]> {
  if (set === 'realistic') {
    const result = await sql<{ v: string }>`
      select (${realisticVector('(-1 - i)')})::text as v
      from generate_series(0::bigint, ${count - 1}) i
      join realistic_centers c on c.c = (i * 37) % ${CLUSTERS}
      order by i`.execute(db)
    return result.rows.map((row) => row.v)
  }
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

/** The build settings of `memories_embedding_idx` as the database has them, e.g. `m 8, ef_construction 80`. */
export async function embeddingIndexSettings(db: Kysely<any>): Promise<string> {
  const [row] = (
    await sql<{ options: string | null }>`select array_to_string(reloptions, ', ') as options from pg_class
      where oid = 'public.memories_embedding_idx'::regclass`.execute(db)
  ).rows
  return (row?.options ?? 'pgvector defaults').replaceAll('=', ' ')
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
