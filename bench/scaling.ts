/**
 * How one user's `search` grows with the user's memories, on native PostgreSQL: for a user with
 * n memories (n = 1 000, 4 000, 16 000; quick: 500, 2 000) among 10 000 memories of 100 other
 * users, the server-side execution time (EXPLAIN ANALYZE, so the client's share of a loaded
 * machine is left out) of the SDK's search statement shape as the user (RLS), on the plan the
 * planner picks, forced onto the exact path (user's rows + top-N sort), and forced onto the HNSW
 * index (ef_search 100, iterative scans), plus recall@10 of the HNSW path. Written as `scaling`.
 *
 *   node --conditions=@tripsage/source --import tsx bench/scaling.ts [--quick]
 */
import { cpus, loadavg } from 'node:os'
import { createTestUser } from '@tripsage/testing'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { nativeUnavailable, startNativeDatabase } from './lib/native-server.js'
import { atLeast, parseArgs, type ResultCheck, type ResultRow, writeResult } from './lib/results.js'
import { percentile, round } from './lib/timing.js'

const { quick } = parseArgs()
const log = (line: string) => process.stdout.write(`scaling: ${line}\n`)
const SIZES = quick ? [500, 2_000] : [1_000, 4_000, 16_000]
const BACKGROUND_USERS = 100
const BACKGROUND = quick ? 2_000 : 10_000
const QUERIES = quick ? 10 : 30
const CLUSTERS = 100

const why = nativeUnavailable()
if (why) {
  await writeResult({
    name: 'scaling',
    title: "Search latency against one user's memories",
    mode: quick ? 'quick' : 'full',
    setup: 'not run',
    tables: [],
    checks: [],
    notes: [`native PostgreSQL unavailable: ${why}`],
  })
  process.exit(0)
}
const loadAtStart = loadavg()[0]!
const native = await startNativeDatabase()
const pool = new pg.Pool({ connectionString: native.url, max: 1 })
const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) })
const rows: ResultRow[] = []
const checks: ResultCheck[] = []
try {
  const [index] = (
    await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'memories_embedding_idx'`.execute(
      db,
    )
  ).rows
  const owner = await createTestUser(db)
  const others = []
  for (let i = 0; i < BACKGROUND_USERS; i++) others.push(await createTestUser(db))
  await sql`select setseed(0.29)`.execute(db)
  await sql`create temp table centers as
    select c, array(select (random() - 0.5)::real from generate_series(1, 1536) where c >= 0)::extensions.vector as v
    from generate_series(0, ${CLUSTERS - 1}) c`.execute(db)
  await sql`create temp table noise as
    select n, array(select (random() - 0.5)::real from generate_series(1, 1536) where n >= 0)::extensions.vector as v
    from generate_series(0, 999) n`.execute(db)
  const scaled = (alias: string) =>
    sql.raw(`${alias}.v operator(extensions.*) array_fill((random() * 0.5)::real, array[1536])::extensions.vector`)
  /** Inserts rows [from, to) for `userIds[g % userIds.length]`. */
  const insert = (userIds: string[], from: number, to: number, tag: string) =>
    sql`insert into public.memories (user_id, content, content_hash, embedding, embedding_model)
      select (${sql.raw(`array[${userIds.map((u) => `'${u}'`).join(',')}]`)}::uuid[])[1 + g % ${userIds.length}],
        ${tag} || ' memory ' || g, encode(sha256((${tag} || g)::bytea), 'hex'),
        c.v operator(extensions.+) ${scaled('a')} operator(extensions.+) ${scaled('b')}, 'bench-synthetic'
      from generate_series(${from}::bigint, ${to - 1}) g
      join centers c on c.c = (g * 31 + g / 100) % ${CLUSTERS}
      join noise a on a.n = (g * 7919) % 1000
      join noise b on b.n = (g * 104729 + 13) % 1000`.execute(db)
  await sql`drop index public.memories_embedding_idx`.execute(db)
  await insert(
    others.map((o) => o.id),
    0,
    BACKGROUND,
    'other',
  )
  const queries = (
    await sql<{ v: string }>`select (c.v operator(extensions.+) ${scaled('a')})::text as v
      from generate_series(0, ${QUERIES - 1}) i
      join centers c on c.c = (i * 37) % ${CLUSTERS}
      join noise a on a.n = (i * 613 + 5) % 1000 order by i`.execute(db)
  ).rows.map((r) => r.v)
  let loaded = 0
  for (const size of SIZES) {
    log(`owner with ${size} memories`)
    await sql`drop index if exists public.memories_embedding_idx`.execute(db)
    await insert([owner.id], loaded, size, 'owner')
    loaded = size
    const t0 = performance.now()
    await sql`set maintenance_work_mem = '512MB'`.execute(db)
    await sql.raw((index as { indexdef: string }).indexdef).execute(db)
    await sql`reset maintenance_work_mem`.execute(db)
    const buildMs = performance.now() - t0
    await sql`analyze public.memories`.execute(db)
    const ms: Record<'planner' | 'exact' | 'hnsw', number[]> = { planner: [], exact: [], hnsw: [] }
    const plans = new Set<string>()
    let recallSum = 0
    for (const q of queries) {
      const found: Record<string, string[]> = {}
      for (const mode of ['planner', 'exact', 'hnsw'] as const) {
        await db.transaction().execute(async (trx) => {
          await sql`select set_config('role', 'authenticated', true),
            set_config('request.jwt.claims', ${JSON.stringify({ ...owner.claims, role: 'authenticated' })}, true),
            set_config('hnsw.ef_search', '100', true), set_config('hnsw.iterative_scan', 'relaxed_order', true),
            set_config('enable_indexscan', ${mode === 'exact' ? 'off' : 'on'}, true),
            set_config('enable_seqscan', ${mode === 'hnsw' ? 'off' : 'on'}, true),
            set_config('enable_bitmapscan', ${mode === 'hnsw' ? 'off' : 'on'}, true),
            set_config('enable_sort', ${mode === 'hnsw' ? 'off' : 'on'}, true)`.execute(trx)
          const statement = sql`select id from public.memories where (expires_at is null or expires_at > now())
            order by embedding operator(extensions.<=>) ${q}::extensions.vector limit 10`
          const explained = await sql<{
            'QUERY PLAN': string
          }>`explain (analyze, timing off, costs off) ${statement}`.execute(trx)
          const lines = explained.rows.map((r) => r['QUERY PLAN'])
          const time = lines.map((l) => /Execution Time: ([\d.]+) ms/.exec(l)?.[1]).find(Boolean)
          ms[mode].push(Number(time))
          if (mode === 'hnsw' && !lines.some((l) => l.includes('memories_embedding_idx')))
            throw new Error('the forced HNSW plan did not use memories_embedding_idx')
          if (mode === 'planner')
            plans.add(
              lines.some((l) => l.includes('memories_embedding_idx'))
                ? 'HNSW index scan'
                : 'user’s rows + exact top-N sort',
            )
          found[mode] = (await statement.execute(trx)).rows.map((r) => String((r as { id: string }).id))
        })
      }
      const exact = new Set(found.exact)
      recallSum += (found.hnsw ?? []).filter((id) => exact.has(id)).length / Math.max(1, exact.size)
    }
    const stat = (list: number[]) => {
      const sorted = [...list].sort((a, b) => a - b)
      return { p50: round(percentile(sorted, 0.5), 2), p95: round(percentile(sorted, 0.95), 2) }
    }
    const recall = round(recallSum / queries.length)
    rows.push({
      case: `${size.toLocaleString('en-US')} memories for the user (${(BACKGROUND + size).toLocaleString('en-US')} in the table)`,
      "planner's plan": [...plans].join(' / '),
      'planner p50 ms': stat(ms.planner).p50,
      'planner p95 ms': stat(ms.planner).p95,
      'exact path p50 ms': stat(ms.exact).p50,
      'exact path p95 ms': stat(ms.exact).p95,
      'HNSW path p50 ms': stat(ms.hnsw).p50,
      'HNSW path p95 ms': stat(ms.hnsw).p95,
      'HNSW recall@10': recall,
      'HNSW build ms': round(buildMs, 0),
    })
    checks.push(atLeast(`HNSW recall@10 at ${size} memories`, recall, 0.9))
  }
} finally {
  await db.destroy()
  await native.stop()
}
await writeResult({
  name: 'scaling',
  title: "Search latency against one user's memories (native PostgreSQL)",
  mode: quick ? 'quick' : 'full',
  setup: `PostgreSQL 15 + pgvector 0.8.0 (native tier, started by the bench); one user with n memories among ${BACKGROUND.toLocaleString('en-US')} memories of ${BACKGROUND_USERS} other users; clustered 1536-dim vectors generated in SQL; the migration's HNSW index (m 16, ef_construction 64) rebuilt at each size; ${QUERIES} queries; server-side Execution Time of EXPLAIN ANALYZE (timing off) of the search statement shape as the user (RLS), ef_search 100, iterative scans; exact = index scans off (the HNSW index is an index scan), HNSW = sequential scans, bitmap scans and sorts off (a B-tree scan of the user's rows still needs a sort; the HNSW scan returns rows in distance order).`,
  tables: [{ title: 'execution time by path and size', rows, noChart: true }],
  checks,
  notes: [
    `load average (1 min): ${loadAtStart.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end, ${cpus().length} cores shared with other sessions`,
  ],
})
// Every connection and server is closed above; exit rather than wait on a stray handle.
process.exit(0)
