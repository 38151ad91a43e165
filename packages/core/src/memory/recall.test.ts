import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import { type CompiledQuery, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage } from '../client.js'
import { parseVectorText, toVectorText } from '../embeddings/vector-text.js'
import { DEFAULT_EF_SEARCH } from './schema.js'
import { hnswSettingsStatement, hybridSearchStatement, PLANNING_EF_SEARCH, searchStatement } from './statements.js'

// 10 000 clustered 1536-dimensional vectors: 9 900 owned by one user, 100 (1 %) by another.
// The HNSW index is built once after the bulk load, with the migration's own definition.

const ROWS = 10_000
const CLUSTERS = 100
const QUERIES = 40
const model = 'synthetic-clusters'

let database: TestDatabase
let big: TestUser
let small: TestUser
let queries: number[][]

beforeAll(async () => {
  database = await createTestDatabase()
  const db = database.db
  big = await createTestUser(db)
  small = await createTestUser(db)
  const [index] = (
    await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'memories_embedding_idx'`.execute(
      db,
    )
  ).rows
  await sql`drop index public.memories_embedding_idx`.execute(db)
  await sql`select setseed(0.42)`.execute(db)
  // Centres, and a pool of noise directions; each row is a centre plus three scaled noise vectors
  // (vector arithmetic in C: generating 15 M floats element by element takes ~40 s in PGlite).
  await sql`create temp table centers as
    select c, array(select (random() - 0.5)::real from generate_series(1, 1536) where c >= 0)::extensions.vector as v
    from generate_series(0, ${CLUSTERS - 1}) c`.execute(db)
  await sql`create temp table noise as
    select n, array(select (random() - 0.5)::real from generate_series(1, 1536) where n >= 0)::extensions.vector as v
    from generate_series(0, 999) n`.execute(db)
  const scaled = (alias: string) =>
    sql.raw(`${alias}.v operator(extensions.*) array_fill((random() * 0.5)::real, array[1536])::extensions.vector`)
  await sql`
    insert into public.memories (user_id, content, content_hash, embedding, embedding_model, metadata)
    select case when g % 100 = 0 then ${small.id}::uuid else ${big.id}::uuid end,
      'memory ' || g, encode(sha256(('memory ' || g)::bytea), 'hex'),
      c.v operator(extensions.+) ${scaled('a')} operator(extensions.+) ${scaled('b')} operator(extensions.+) ${scaled('d')},
      ${model}, jsonb_build_object('cluster', c.c)
    from generate_series(0::bigint, ${ROWS - 1}) g
    join centers c on c.c = (g * 31 + g / 100) % ${CLUSTERS}
    join noise a on a.n = (g * 7919) % 1000
    join noise b on b.n = (g * 104729 + 13) % 1000
    join noise d on d.n = (g * 1299709 + 101) % 1000`.execute(db)
  await sql`set maintenance_work_mem = '512MB'`.execute(db)
  await sql.raw((index as { indexdef: string }).indexdef).execute(db)
  await sql`reset maintenance_work_mem`.execute(db)
  await sql`analyze public.memories`.execute(db)
  // Queries: fresh points around the centres, drawn the same way.
  const q = await sql<{ v: string }>`
    select (c.v operator(extensions.+) ${scaled('a')} operator(extensions.+) ${scaled('b')})::text as v
    from generate_series(0, ${QUERIES - 1}) i
    join centers c on c.c = (i * 37) % ${CLUSTERS}
    join noise a on a.n = (i * 613 + 5) % 1000
    join noise b on b.n = (i * 211 + 17) % 1000
    order by i`.execute(db)
  queries = q.rows.map((r) => parseVectorText(r.v))
}, 300_000)

afterAll(() => database?.close())

/**
 * Rows the SDK's search statement returns for the first query, planned at `ef_search` 40 with
 * iterative scans off (so the walk returns `ef_search` candidates before RLS filters them), and
 * walking at `efSearch`.
 */
async function rowsWithoutIterativeScan(
  me: ReturnType<ReturnType<typeof createTripSage>['forUser']>,
  efSearch: number,
) {
  return me.transaction(async (tx) => {
    await sql`select set_config('hnsw.ef_search', '40', true), set_config('hnsw.iterative_scan', 'off', true)`.execute(
      tx.db,
    )
    const r = await searchStatement({
      table: 'memories',
      vector: toVectorText(queries[0] as number[]),
      filters: { embeddingModel: model },
      limit: 10,
      efSearch,
    }).execute(tx.db)
    return r.rows.length
  })
}

/** Exact top-k by a sequential scan: `+ 0` makes the ORDER BY an expression no index provides. */
async function exactTopK(userId: string, vector: number[], k: number): Promise<string[]> {
  const r = await sql<{ id: string }>`
    select id from public.memories where user_id = ${userId}::uuid
    order by (embedding operator(extensions.<=>) ${toVectorText(vector)}::extensions.vector) + 0, id
    limit ${k}`.execute(database.db)
  return r.rows.map((row) => row.id)
}

describe('memory recall on 10 000 clustered 1536-dim vectors', () => {
  // This set is hard (near-ties) and each HNSW build differs (pgvector draws every element's level
  // at random). At the migrations' 8 / 80, 36 builds measured for decision 0019 recalled
  // 0.9275–1.0 here for the big user and 0.91–1.0 for the 1 % user (20 queries): 0.85 sits under
  // that spread. That efSearch reaches the walk is
  // checked below (more recall at 1000 than at 10).
  it(`search reaches recall@10 ≥ 0.85 against exact search at the default efSearch (${DEFAULT_EF_SEARCH})`, async () => {
    const me = createTripSage({ db: database.db }).forUser(big.claims)
    let found = 0
    for (const query of queries) {
      const hits = await me.memory.search({ embedding: query, embeddingModel: model, limit: 10 })
      const exact = new Set(await exactTopK(big.id, query, 10))
      expect(hits).toHaveLength(10)
      found += hits.filter((h) => exact.has(h.id)).length
    }
    const recall = found / (queries.length * 10)
    expect(recall).toBeGreaterThanOrEqual(0.85)
  })

  it('the search and hybrid statements are planned on the HNSW index', async () => {
    const me = createTripSage({ db: database.db }).forUser(big.claims)
    const vector = toVectorText(queries[0] as number[])
    const filters = { embeddingModel: model }
    const plans = await me.transaction(async (tx) => {
      await hnswSettingsStatement().execute(tx.db)
      const explain = async (statement: ReturnType<typeof searchStatement>) =>
        (await sql<{ 'QUERY PLAN': string }>`explain ${statement}`.execute(tx.db)).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n')
      return {
        search: await explain(
          searchStatement({ table: 'memories', vector, filters, limit: 10, efSearch: DEFAULT_EF_SEARCH }),
        ),
        hybrid: await explain(
          hybridSearchStatement({
            table: 'memories',
            vector,
            text: 'memory 42',
            filters,
            candidates: 40,
            efSearch: DEFAULT_EF_SEARCH,
            limit: 10,
            vectorWeight: 1,
            textWeight: 1,
            rrfK: 60,
          }) as never,
        ),
      }
    })
    expect(plans.search).toMatch(/Index Scan using memories_embedding_idx/)
    expect(plans.hybrid).toMatch(/Index Scan using memories_embedding_idx/)
  })

  it('a user owning 1 % of the vectors still gets `limit` hits (iterative index scan)', async () => {
    const me = createTripSage({ db: database.db }).forUser(small.claims)
    // Recall is a mean over queries, as for the big user above: one query of an approximate index
    // may miss two of ten (a per-query "9 of 10" check failed in one build of eight), and no ANN index
    // bounds a single query's miss.
    const sample = queries.slice(0, 20)
    let found = 0
    for (const query of sample) {
      const hits = await me.memory.search({ embedding: query, embeddingModel: model, limit: 10 })
      expect(hits).toHaveLength(10)
      expect(new Set(hits.map((h) => h.userId))).toEqual(new Set([small.id]))
      const exact = new Set(await exactTopK(small.id, query, 10))
      found += hits.filter((h) => exact.has(h.id)).length
      const hybrid = await me.memory.hybridSearch({
        query: 'memory',
        embedding: query,
        embeddingModel: model,
        limit: 10,
      })
      expect(hybrid).toHaveLength(10)
    }
    // And they are the right ten.
    expect(found / (sample.length * 10)).toBeGreaterThanOrEqual(0.85)
    // Without the iterative scan, the post-filter starves: what the setting buys.
    expect(await rowsWithoutIterativeScan(me, 40)).toBeLessThan(10)
  })

  it('filters by metadata containment without starving either', async () => {
    const me = createTripSage({ db: database.db }).forUser(big.claims)
    const hits = await me.memory.search({
      embedding: queries[1] as number[],
      embeddingModel: model,
      metadata: { cluster: 3 },
      limit: 20,
    })
    expect(hits).toHaveLength(20)
    expect(hits.every((h) => h.metadata.cluster === 3)).toBe(true)
  })
})

describe('efSearch is applied when the search executes, not when it is planned', () => {
  /** Runs one SDK call through a logging Kysely and returns the search statement it sent. */
  async function sentStatement(
    call: (me: ReturnType<ReturnType<typeof createTripSage>['forUser']>) => Promise<unknown>,
  ) {
    const sent: CompiledQuery[] = []
    const logged = database.connect({ log: (event) => void (event.level === 'query' && sent.push(event.query)) })
    await call(createTripSage({ db: logged }).forUser(big.claims))
    const statement = sent.find((q) => q.sql.includes('query_vector'))
    if (!statement) throw new Error('the search statement was not captured')
    return statement
  }

  /** The plan of `statement` as the big user, with `ef_search` at `planningEf` when it is planned. */
  async function planOf(statement: CompiledQuery, planningEf: number): Promise<string> {
    const me = createTripSage({ db: database.db }).forUser(big.claims)
    return me.transaction(async (tx) => {
      await sql`select set_config('hnsw.ef_search', ${String(planningEf)}, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`.execute(
        tx.db,
      )
      const plan = await tx.db.executeQuery<{ 'QUERY PLAN': string }>({
        ...statement,
        sql: `explain ${statement.sql}`,
      })
      return plan.rows.map((r) => r['QUERY PLAN']).join('\n')
    })
  }

  it('sends efSearch 1000 inside the one statement and keeps the plan the SDK gets at its planning value', async () => {
    const query = { embedding: queries[0] as number[], embeddingModel: model, limit: 10, efSearch: 1000 }
    const search = await sentStatement((me) => me.memory.search(query))
    const hybrid = await sentStatement((me) => me.memory.hybridSearch({ ...query, query: 'memory 42' }))
    // The walk's ef_search travels in the statement (the InitPlan's set_config), as a parameter.
    expect(search.parameters).toContain('1000')
    expect(hybrid.parameters).toContain('1000')
    // Planned as the SDK plans it (its scope sets PLANNING_EF_SEARCH): the index.
    expect(await planOf(search, PLANNING_EF_SEARCH)).toMatch(/Index Scan using memories_embedding_idx/)
    expect(await planOf(hybrid, PLANNING_EF_SEARCH)).toMatch(/Index Scan using memories_embedding_idx/)
    // (At 9 900 rows a plain `ef_search` 1000 at planning keeps the index too; at 100 000 rows of one
    // user a plain 400 leaves it for an exact scan of every row: bench/vector.ts, decision 0017.)
  })

  it('walks with the raised ef_search: without iterative scans the walk returns efSearch candidates', async () => {
    // The small user owns 1 % of the rows. With iterative scans off, the index returns ef_search
    // candidates and RLS keeps ~1 % of them: at 40 fewer than 10 survive; raised to 1000 as the
    // statement executes (planned at 40 both times), ~10 do.
    const me = createTripSage({ db: database.db }).forUser(small.claims)
    expect(await rowsWithoutIterativeScan(me, 40)).toBeLessThan(5)
    expect(await rowsWithoutIterativeScan(me, 1000)).toBeGreaterThanOrEqual(5)
  })

  it('recalls more at efSearch 1000 than at 10, on the HNSW path', async () => {
    const me = createTripSage({ db: database.db }).forUser(big.claims)
    const recallAt = async (efSearch: number) => {
      let found = 0
      for (const query of queries) {
        const hits = await me.memory.search({ embedding: query, embeddingModel: model, limit: 10, efSearch })
        const exact = new Set(await exactTopK(big.id, query, 10))
        found += hits.filter((h) => exact.has(h.id)).length
      }
      return found / (queries.length * 10)
    }
    const low = await recallAt(10)
    const high = await recallAt(1000)
    expect(high).toBeGreaterThan(low)
  })
})
