/**
 * Recall@10 of the HNSW path against the build settings (m, `ef_construction`: by default 16/64 —
 * pgvector's default —, 16/100, 12/64, 12/80, 8/64 and 8/100, the migrations' index since decision
 * 0009's second round) and `ef_search` (40, 100, 200) on native PostgreSQL, for one user's 10 000 clustered synthetic memories (the vector
 * suite's generator: harder than the peer corpus, whose recall is 1.0 everywhere). Each index is
 * built after the load; recall is against an exact scan of the same user's rows. Written as
 * `hnsw-recall`.
 *
 *   node --conditions=@tripsage/source --import tsx bench/hnsw-recall.ts [--quick] [--rows=10000]
 *     [--queries=200] [--indexes=16/64,8/100]
 */
import { loadavg } from 'node:os'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { nativeUnavailable, startNativeDatabase } from './lib/native-server.js'
import { parseArgs, type ResultRow, writeResult } from './lib/results.js'
import { round } from './lib/timing.js'

const { quick, rest } = parseArgs()
const ROWS = Number(rest.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? (quick ? 2_000 : 10_000))
const QUERIES = Number(rest.find((a) => a.startsWith('--queries='))?.split('=')[1] ?? (quick ? 20 : 200))
const CLUSTERS = 100
// `--indexes=16/64,12/64`: the (m, ef_construction) pairs to build, in order.
const indexes = (rest.find((a) => a.startsWith('--indexes='))?.split('=')[1] ?? '16/64,16/100,12/64,12/80,8/64,8/100')
  .split(',')
  .map((pair) => pair.split('/').map(Number) as [number, number])
const why = nativeUnavailable()
if (why) throw new Error(`native PostgreSQL unavailable: ${why}`)
const loadAtStart = loadavg()[0]!
const native = await startNativeDatabase()
const pool = new pg.Pool({ connectionString: native.url, max: 1 })
const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) })
const rows: ResultRow[] = []
try {
  await sql`select setseed(0.17)`.execute(db)
  await sql`create temp table centers as
    select c, array(select (random() - 0.5)::real from generate_series(1, 1536) where c >= 0)::extensions.vector as v
    from generate_series(0, ${CLUSTERS - 1}) c`.execute(db)
  await sql`create temp table noise as
    select n, array(select (random() - 0.5)::real from generate_series(1, 1536) where n >= 0)::extensions.vector as v
    from generate_series(0, 999) n`.execute(db)
  const scaled = (alias: string) =>
    sql.raw(`${alias}.v operator(extensions.*) array_fill((random() * 0.5)::real, array[1536])::extensions.vector`)
  await sql`create table public.bench_hnsw (id bigint primary key, embedding extensions.vector(1536) not null)`.execute(
    db,
  )
  await sql`insert into public.bench_hnsw
    select g, c.v operator(extensions.+) ${scaled('a')} operator(extensions.+) ${scaled('b')} operator(extensions.+) ${scaled('d')}
    from generate_series(0::bigint, ${ROWS - 1}) g
    join centers c on c.c = (g * 31 + g / 100) % ${CLUSTERS}
    join noise a on a.n = (g * 7919) % 1000
    join noise b on b.n = (g * 104729 + 13) % 1000
    join noise d on d.n = (g * 1299709 + 101) % 1000`.execute(db)
  const queries = (
    await sql<{
      v: string
    }>`select (c.v operator(extensions.+) ${scaled('a')} operator(extensions.+) ${scaled('b')})::text as v
      from generate_series(0, ${QUERIES - 1}) i
      join centers c on c.c = (i * 37) % ${CLUSTERS}
      join noise a on a.n = (i * 613 + 5) % 1000
      join noise b on b.n = (i * 211 + 17) % 1000 order by i`.execute(db)
  ).rows.map((r) => r.v)
  const top = async (q: string) =>
    (
      await sql<{ id: string }>`select id from public.bench_hnsw
        order by embedding operator(extensions.<=>) ${q}::extensions.vector limit 10`.execute(db)
    ).rows.map((r) => String(r.id))
  const exact: Set<string>[] = []
  for (const q of queries) exact.push(new Set(await top(q)))
  await sql`set maintenance_work_mem = '512MB'`.execute(db)
  for (const [m, ef] of indexes) {
    await sql`drop index if exists bench_hnsw_idx`.execute(db)
    const t0 = performance.now()
    await sql
      .raw(
        `create index bench_hnsw_idx on public.bench_hnsw using hnsw (embedding extensions.vector_cosine_ops) with (m = ${m}, ef_construction = ${ef})`,
      )
      .execute(db)
    const row: ResultRow = {
      case: `m ${m}, ef_construction ${ef}`,
      'build ms': round(performance.now() - t0, 0),
      rows: ROWS,
    }
    await sql`set enable_seqscan = off`.execute(db)
    for (const efSearch of [40, 100, 200]) {
      await sql.raw(`set hnsw.ef_search = ${efSearch}`).execute(db)
      let sum = 0
      for (const [i, q] of queries.entries()) sum += (await top(q)).filter((id) => exact[i]!.has(id)).length / 10
      row[`recall@10 ef_search ${efSearch}`] = round(sum / queries.length)
    }
    await sql`reset enable_seqscan`.execute(db)
    process.stdout.write(`hnsw-recall: ${JSON.stringify(row)}\n`)
    rows.push(row)
  }
} finally {
  await db.destroy()
  await native.stop()
}
await writeResult({
  name: 'hnsw-recall',
  title: 'HNSW recall against m, ef_construction and ef_search (native PostgreSQL)',
  mode: quick ? 'quick' : 'full',
  setup: `PostgreSQL 15 + pgvector 0.8.0 (native tier); ${ROWS.toLocaleString('en-US')} clustered synthetic 1536-dim vectors of one user (the vector suite's generator), index built after the load, ${QUERIES} queries, recall@10 against an exact scan.`,
  tables: [{ title: 'recall@10', rows, noChart: true }],
  checks: [],
  notes: [
    `load average (1 min): ${loadAtStart.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end, 2 cores shared`,
    `${QUERIES} queries; indexes (m/ef_construction) ${indexes.map(([m, ef]) => `${m}/${ef}`).join(', ')}.`,
  ],
})
// Every connection and server is closed above; exit rather than wait on a stray handle.
process.exit(0)
