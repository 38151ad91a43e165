/**
 * Recall@10 of the HNSW path against the build settings (m, `ef_construction`: by default 16/64 —
 * pgvector's default —, 16/100, 12/64, 12/80, 8/64, 8/80, the migrations' index since decision
 * 0019, and 8/100, decision 0009's) and `ef_search` (40, 100, 200, 400, 1000) on native PostgreSQL, for one user's 10 000
 * clustered synthetic memories, from both of the vector suites' sets (`--sets=realistic,isotropic`;
 * see `lib/synthetic-vectors.ts`: the realistic set's neighbourhoods have a power-law spectrum, the
 * isotropic one's are near-ties in 1536 dimensions). Each index is built after the load; recall is
 * against an exact scan of the same user's rows. Written as `hnsw-recall`.
 *
 *   node --conditions=@tripsage/source --import tsx bench/hnsw-recall.ts [--quick] [--rows=10000]
 *     [--queries=200] [--indexes=16/64,8/100] [--sets=realistic,isotropic]
 */
import { loadavg } from 'node:os'
import { sql } from 'kysely'
import { openNativeSession, skipWithoutNative } from './lib/native-server.js'
import { parseArgs, type ResultRow, writeResult } from './lib/results.js'
import { createVectorSource, syntheticQueries, syntheticVectorRows, type VectorSet } from './lib/synthetic-vectors.js'
import { round } from './lib/timing.js'

const { quick, rest } = parseArgs()
const ROWS = Number(rest.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? (quick ? 2_000 : 10_000))
const QUERIES = Number(rest.find((a) => a.startsWith('--queries='))?.split('=')[1] ?? (quick ? 20 : 200))
// `--indexes=16/64,12/64`: the (m, ef_construction) pairs to build, in order.
const indexes = (
  rest.find((a) => a.startsWith('--indexes='))?.split('=')[1] ?? '16/64,16/100,12/64,12/80,8/64,8/80,8/100'
)
  .split(',')
  .map((pair) => pair.split('/').map(Number) as [number, number])
const sets = (rest.find((a) => a.startsWith('--sets='))?.split('=')[1] ?? 'realistic,isotropic').split(
  ',',
) as VectorSet[]
await skipWithoutNative(
  'hnsw-recall',
  'HNSW recall against m, ef_construction and ef_search (native PostgreSQL)',
  quick,
)
const loadAtStart = loadavg()[0]!
const session = await openNativeSession()
const { db } = session
const rows: ResultRow[] = []
try {
  await createVectorSource(db, 0.17)
  for (const set of sets) {
    await sql`drop table if exists public.bench_hnsw`.execute(db)
    await sql`create table public.bench_hnsw (id bigint primary key, embedding extensions.vector(1536) not null)`.execute(
      db,
    )
    await sql`insert into public.bench_hnsw select g, v from (${syntheticVectorRows(0, ROWS, 3, set)}) generated`.execute(
      db,
    )
    const queries = await syntheticQueries(db, QUERIES, 2, set)
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
        case: `${set} set: m ${m}, ef_construction ${ef}`,
        'build ms': round(performance.now() - t0, 0),
        rows: ROWS,
      }
      await sql`set enable_seqscan = off`.execute(db)
      for (const efSearch of [40, 100, 200, 400, 1000]) {
        await sql.raw(`set hnsw.ef_search = ${efSearch}`).execute(db)
        let sum = 0
        for (const [i, q] of queries.entries()) sum += (await top(q)).filter((id) => exact[i]!.has(id)).length / 10
        row[`recall@10 ef_search ${efSearch}`] = round(sum / queries.length)
      }
      await sql`reset enable_seqscan`.execute(db)
      process.stdout.write(`hnsw-recall: ${JSON.stringify(row)}\n`)
      rows.push(row)
    }
  }
} finally {
  await session.close()
}
await writeResult({
  name: 'hnsw-recall',
  title: 'HNSW recall against m, ef_construction and ef_search (native PostgreSQL)',
  mode: quick ? 'quick' : 'full',
  setup: `PostgreSQL 15 + pgvector 0.8.0 (native tier); ${ROWS.toLocaleString('en-US')} clustered synthetic 1536-dim vectors of one user per set (${sets.join(', ')}: the vector suites' generator, decision 0017), index built after the load, ${QUERIES} queries, recall@10 against an exact scan.`,
  tables: [{ title: 'recall@10', rows, noChart: true }],
  checks: [],
  notes: [
    `${QUERIES} queries; indexes (m/ef_construction) ${indexes.map(([m, ef]) => `${m}/${ef}`).join(', ')}.`,
    `load average (1 min): ${loadAtStart.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end, 2 cores shared`,
  ],
})
// Every connection and server is closed above; exit rather than wait on a stray handle.
process.exit(0)
