/**
 * Memory ingest options, measured side by side (decision 0009): rows/s of 50-row INSERTs into a
 * table whose HNSW index is maintained during the load, for each index variant, and recall@10 of
 * that index at `ef_search` 40 and 100 against exact cosine top-10. Every variant gets the same
 * batches, interleaved batch by batch (so the machine's load hits them alike).
 *
 * Variants: `vector` HNSW at (m, ef_construction) 16/100 (the index before), 16/64 (pgvector's
 * default, mem0's), 12/80, 12/64, 8/100 (the migrations' index from 20261206060000 to 20261206080000),
 * 8/80 (the migrations' index since 20261206080000, decision 0019) and 8/64, and
 * a `halfvec` expression index (16/64) searched with exact re-ranking on `vector`. Transfer: pgvector's text form
 * in one JSON parameter (the SDK's statement) and, on `pg` only, the binary form (`vector_recv`:
 * int16 dim, int16 0, float4 big-endian) as one Buffer parameter per row.
 *
 *   node --conditions=@tripsage/source --import tsx bench/ingest.ts [--quick] [--engines=pglite,postgres]
 *     [--rows=N] [--variants=m 8,halfvec]
 */
import { loadavg } from 'node:os'
import { toVectorText } from '@tripsage/core'
import { createEmbeddedTestDatabase } from '@tripsage/testing'
import pg from 'pg'
import { embedTexts } from './lib/bench-embedder.js'
import { buildCorpus } from './lib/corpus.js'
import { nativeUnavailable, startNativeDatabase } from './lib/native-server.js'
import { atLeast, parseArgs, type ResultCheck, type ResultRow, writeResult } from './lib/results.js'
import { round } from './lib/timing.js'

const { quick, rest } = parseArgs()
const engines = rest
  .find((a) => a.startsWith('--engines='))
  ?.split('=')[1]
  ?.split(',') ?? ['pglite', 'postgres']
const log = (line: string) => process.stdout.write(`ingest: ${line}\n`)
const rowsArg = Number(rest.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? Number.NaN)
const SIZE = {
  pglite: Number.isNaN(rowsArg) ? (quick ? 100 : 500) : rowsArg,
  postgres: Number.isNaN(rowsArg) ? (quick ? 300 : 3_000) : rowsArg,
}
/** `--variants=m 8,halfvec`: only the variants whose name contains one of these. */
const onlyVariants = rest
  .find((a) => a.startsWith('--variants='))
  ?.split('=')[1]
  ?.split(',')
const QUERIES = quick ? 20 : 60
const BATCH = 50
const K = 10

interface Variant {
  name: string
  index: (table: string) => string
  /** Top-10 ids for a query vector (text form). */
  search: (table: string) => string
  binary?: boolean
}

const vectorSearch = (t: string) => `select id from ${t} order by embedding <=> $1::extensions.vector limit ${K}`
/** A `vector` HNSW index with these build settings. */
const vectorIndex = (m: number, ef: number, label = ''): Variant => ({
  name: `vector, m ${m}, ef_construction ${ef}${label}`,
  index: (t) =>
    `create index on ${t} using hnsw (embedding extensions.vector_cosine_ops) with (m = ${m}, ef_construction = ${ef})`,
  search: vectorSearch,
})
const variants: Variant[] = [
  vectorIndex(16, 100, ' (the index before, migration 20261206050000)'),
  vectorIndex(16, 64, " (pgvector's default; mem0's index)"),
  vectorIndex(12, 80),
  vectorIndex(12, 64),
  vectorIndex(8, 100, ' (the index of decisions 0009 and 0018)'),
  vectorIndex(8, 80, " (the migrations' index since 20261206080000, decision 0019)"),
  vectorIndex(8, 64),
  {
    name: 'halfvec expression, m 16, ef_construction 64, exact re-rank',
    index: (t) =>
      `create index on ${t} using hnsw ((embedding::extensions.halfvec(1536)) extensions.halfvec_cosine_ops) with (m = 16, ef_construction = 64)`,
    search: (t) => `select id from (select id, embedding from ${t}
        order by embedding::extensions.halfvec(1536) <=> $1::extensions.halfvec(1536) limit ${K * 4}) c
      order by embedding <=> $1::extensions.vector limit ${K}`,
  },
]
/** The migrations' index (decision 0019), whose recall is checked; binary transfer is measured on it. */
const chosen = variants[5]!
const binaryBase = chosen

/** pgvector's binary form (what `vector_recv` reads). */
function vectorBinary(vector: readonly number[]): Buffer {
  const buffer = Buffer.allocUnsafe(4 + 4 * vector.length)
  buffer.writeInt16BE(vector.length, 0)
  buffer.writeInt16BE(0, 2)
  for (let i = 0; i < vector.length; i++) buffer.writeFloatBE(vector[i]!, 4 + 4 * i)
  return buffer
}

/** Runs one statement with positional parameters on either engine. */
type Exec = (text: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>

async function runEngine(engine: 'pglite' | 'postgres', exec: Exec, withBinary: boolean) {
  const size = SIZE[engine]
  log(`${engine}: embedding ${size} memories`)
  const corpus = buildCorpus(size, 1, QUERIES)
  const vectors = await embedTexts(corpus.memories.map((m) => m.text))
  const queries = await embedTexts(corpus.queries.map((q) => q.text))
  // Quick mode leaves out halfvec on PGlite: its software float16 makes it the slowest variant there.
  // Quick mode (CI) keeps the index before, mem0's and ours; halfvec only natively (PGlite's
  // software float16 makes it the slowest variant there).
  const quickVariants = [variants[0], variants[1], chosen, ...(engine === 'postgres' ? [variants[6]] : [])]
  const engineVariants = (quick ? variants.filter((v) => quickVariants.includes(v)) : variants).filter(
    (v) => !onlyVariants || onlyVariants.some((o) => v.name.includes(o)),
  )
  const cases = [
    ...engineVariants,
    ...(withBinary && engineVariants.includes(binaryBase)
      ? [{ ...binaryBase, name: `${binaryBase.name}, binary transfer`, binary: true }]
      : []),
  ]
  const tables = cases.map((_, i) => `bench_ingest_${i}`)
  log(`${engine}: creating tables`)
  await exec('set search_path = public, extensions')
  for (const [i, t] of tables.entries()) {
    await exec(`drop table if exists ${t}`)
    await exec(
      `create table ${t} (id int primary key, content text not null, embedding extensions.vector(1536) not null)`,
    )
    await exec(cases[i]!.index(t))
  }
  const ms = cases.map(() => 0)
  for (let start = 0; start < size; start += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, size - start) }, (_, j) => start + j)
    for (let j = 0; j < cases.length; j++) {
      const c = (start / BATCH + j) % cases.length
      const t = tables[c]!
      const t0 = performance.now()
      if (cases[c]!.binary) {
        const values = ids.map((_, k) => `($${3 * k + 1}::int, $${3 * k + 2}::text, $${3 * k + 3}::extensions.vector)`)
        await exec(
          `insert into ${t} (id, content, embedding) values ${values.join(', ')}`,
          ids.flatMap((id) => [id, corpus.memories[id]!.text, vectorBinary(vectors[id]!)]),
        )
      } else {
        // The SDK's shape: one JSON parameter, vectors in pgvector's text form, cast in SQL.
        const json = JSON.stringify(
          ids.map((id) => ({ id, content: corpus.memories[id]!.text, embedding: toVectorText(vectors[id]!) })),
        )
        await exec(
          `insert into ${t} (id, content, embedding)
           select id, content, embedding::extensions.vector
           from json_to_recordset($1::text::json) as r(id int, content text, embedding text)`,
          [json],
        )
      }
      ms[c]! += performance.now() - t0
    }
    if ((start / BATCH) % 5 === 0) log(`${engine}: ${start + ids.length} rows per table`)
  }
  log(`${engine}: loaded ${size} rows into ${cases.length} tables`)
  // Exact top-k in JS (cosine), tie-aware.
  const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0))
  const norms = vectors.map(norm)
  const recall = new Map<string, number>()
  await exec('set enable_seqscan = off')
  for (const ef of [40, 100]) {
    await exec(`set hnsw.ef_search = ${ef}`)
    for (const [c, variant] of cases.entries()) {
      if (variant.binary) continue
      let sum = 0
      for (const qv of queries) {
        const qn = norm(qv)
        const score = (id: number) => vectors[id]!.reduce((s, x, i) => s + x * qv[i]!, 0) / (norms[id]! * qn || 1)
        const exact = vectors.map((_, id) => score(id)).sort((a, b) => b - a)
        const kth = exact[K - 1]!
        const found = await exec(variant.search(tables[c]!), [toVectorText(qv)])
        const hits = found.rows.filter((r) => score(Number(r.id)) >= kth - 1e-6).length
        sum += Math.min(hits, K) / K
      }
      recall.set(`${c}/${ef}`, round(sum / queries.length))
    }
  }
  await exec('reset enable_seqscan')
  const sizes = new Map<number, string>()
  for (const [c, t] of tables.entries()) {
    const r = await exec(
      `select pg_size_pretty(sum(pg_relation_size(indexrelid))) as s from pg_index where indrelid = '${t}'::regclass and indexrelid::regclass::text not like '%pkey'`,
    )
    sizes.set(c, String(r.rows[0]?.s))
    await exec(`drop table ${t}`)
  }
  const base = ms[0]!
  return cases.map(
    (variant, c): ResultRow => ({
      case: `${engine}: ${variant.name}`,
      'rows/s': round((size * 1000) / ms[c]!, 0),
      '× the index before': round(base / ms[c]!, 2),
      'ms per batch of 50': round(ms[c]! / Math.ceil(size / BATCH), 1),
      'recall@10 ef_search 40': variant.binary ? 'same index as above' : recall.get(`${c}/40`)!,
      'recall@10 ef_search 100': variant.binary ? 'same index as above' : recall.get(`${c}/100`)!,
      'index size': sizes.get(c)!,
      rows: size,
    }),
  )
}

const rows: ResultRow[] = []
const notes: string[] = [`load average (1 min) at start: ${loadavg()[0]!.toFixed(1)} on ${2} cores`]
if (engines.includes('pglite')) {
  log('opening PGlite')
  const database = await createEmbeddedTestDatabase()
  const db = database.pglite
  rows.push(...(await runEngine('pglite', (text, params) => db.query(text, params) as never, false)))
  await database.close()
}
if (engines.includes('postgres')) {
  const why = nativeUnavailable()
  if (why) notes.push(`native PostgreSQL skipped: ${why}`)
  else {
    const native = await startNativeDatabase()
    const pool = new pg.Pool({ connectionString: native.url, max: 1 })
    try {
      rows.push(...(await runEngine('postgres', (text, params) => pool.query(text, params) as never, true)))
    } finally {
      await pool.end()
      await native.stop()
    }
  }
}
notes.push(`load average (1 min) at end: ${loadavg()[0]!.toFixed(1)}`)
const narrowed = rest.filter((a) => a.startsWith('--rows=') || a.startsWith('--variants='))
if (narrowed.length > 0) notes.push(`Run with ${narrowed.join(' ')} (the suite's default sizes and variants narrowed).`)
const checks: ResultCheck[] = rows
  .filter((r) => r.case.includes(chosen.name) && typeof r['recall@10 ef_search 100'] === 'number')
  .map((r) => atLeast(`${r.case} recall@10 (ef_search 100)`, r['recall@10 ef_search 100'] as number, 0.98))
await writeResult({
  name: 'ingest',
  title: 'Memory ingest: index and transfer options',
  mode: quick ? 'quick' : 'full',
  setup: `One user's memories (the peer corpus, localEmbedder 1536-dim vectors), 50-row INSERTs into a table per variant with its HNSW index maintained during the load, batches interleaved across variants; recall@10 of the index scan (seqscan off) against exact cosine top-10 over ${QUERIES} queries. PGlite in process (WebAssembly); PostgreSQL 15 + pgvector 0.8.0 over loopback with pg (one connection).`,
  tables: [{ title: 'rows/s and recall per variant', rows, noChart: true }],
  checks,
  notes,
})
// Every connection and server is closed above; exit rather than wait on a stray handle.
process.exit(0)
