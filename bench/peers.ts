/**
 * Peers on the same data and the same database: TripSage, LangChain's PGVectorStore and mem0's OSS
 * Memory, all on one PGlite served by pglite-socket (behind `lib/exclusive-sessions.ts`), all embedding through one local
 * OpenAI-compatible `/v1/embeddings` server (so every library runs unmodified). Same corpus, same
 * queries, same k: recall@10 against exact cosine search per user, p50/p95 search latency, insert
 * throughput in batches of 50, and whether per-user isolation holds.
 *
 *   node --conditions=@tripsage/source --import tsx bench/peers.ts [--quick]
 *
 * LangChain and mem0 are not in the default install: the first run installs `bench/peers/` (its
 * own lockfile) through `lib/peer-dependencies.ts`, so they are imported only after that.
 */
import { loadavg } from 'node:os'
import type { TripSageDatabase } from '@tripsage/core'
import { createPostgresDatabase } from '@tripsage/core/pg'
import { createEmbeddedTestDatabase, createTestUser, type TestUser } from '@tripsage/testing'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { BENCH_EMBEDDING_MODEL, embedTexts } from './lib/bench-embedder.js'
import { buildCorpus, type CorpusMemory } from './lib/corpus.js'
import { startEmbeddingsServer } from './lib/embeddings-server.js'
import { startNativeDatabase } from './lib/native-server.js'
import { ensurePeerDependencies } from './lib/peer-dependencies.js'
import { atLeast, parseArgs, type ResultRow, writeResult } from './lib/results.js'
import { serveOverSocket } from './lib/socket-database.js'
import { embeddingIndexSettings } from './lib/synthetic-vectors.js'
import { measure, ratio, round } from './lib/timing.js'
import type { Library, LibraryContext } from './peers/library.js'
import { oursLibrary } from './peers/ours.js'

const { quick, rest } = parseArgs()
const log = (line: string) => process.stdout.write(`peers: ${line}\n`)
const onlyLibraries = rest
  .find((a) => a.startsWith('--libraries='))
  ?.split('=')[1]
  ?.split(',')
const SIZE = quick ? 300 : 5_000
const USERS = quick ? 6 : 50
const QUERIES = quick ? 24 : 200
const K = 10
const BATCH = 50

ensurePeerDependencies(log)

const corpus = buildCorpus(SIZE, USERS, QUERIES)
const docByText = new Map(corpus.memories.map((m) => [m.text, m.doc]))
const corpusVectors = await embedTexts(corpus.memories.map((m) => m.text))
const vectorOf = new Map(corpus.memories.map((m, i) => [m.doc, Float32Array.from(corpusVectors[i]!)]))
const queryVectors = await embedTexts(corpus.queries.map((q) => q.text))

/** `--engine=postgres`: every library on the native tier's PostgreSQL 15 instead of PGlite. */
const engine = rest.find((a) => a.startsWith('--engine='))?.split('=')[1] === 'postgres' ? 'postgres' : 'pglite'
const native = engine === 'postgres' ? await startNativeDatabase() : null
const database = native
  ? await (async () => {
      const ownPool = new pg.Pool({ connectionString: native.url, max: 2 })
      const db = new Kysely<TripSageDatabase>({ dialect: new PostgresDialect({ pool: ownPool }) })
      return { db, pglite: null, close: async () => db.destroy() }
    })()
  : await createEmbeddedTestDatabase()
const users: TestUser[] = []
for (let i = 0; i < USERS; i++) users.push(await createTestUser(database.db))
// `--tripsage-index=12/64`: rebuild TripSage's HNSW index with this m / ef_construction before the
// load (to compare index settings; the default is the migrations' index as shipped).
const indexArg = rest.find((a) => a.startsWith('--tripsage-index='))?.split('=')[1]
if (indexArg) {
  const [m, ef] = indexArg.split('/').map(Number)
  if (!Number.isInteger(m) || !Number.isInteger(ef))
    throw new Error(`--tripsage-index=m/ef_construction, got ${indexArg}`)
  await sql
    .raw(`alter index public.memories_embedding_idx set (m = ${m}, ef_construction = ${ef})`)
    .execute(database.db)
  await sql`reindex index public.memories_embedding_idx`.execute(database.db)
}
const indexOptions = await embeddingIndexSettings(database.db)
const server = await startEmbeddingsServer(embedTexts, BENCH_EMBEDDING_MODEL)
const socket = database.pglite ? await serveOverSocket(database.pglite, { delayMs: 0, maxConnections: 32 }) : null
const nativeDb = native ? createPostgresDatabase({ connectionString: native.url, max: 4 }) : null
const context: LibraryContext = {
  embeddingsURL: server.baseURL,
  databaseURL: socket ? socket.sessionUrl : native!.url,
  userIds: users.map((u) => u.id),
  docOf: (text) => docByText.get(text),
}

/**
 * A peer adapter from `peers/<file>.ts`, imported only now (after the on-demand install). The
 * specifier is a variable so the workspace typecheck does not follow it into LangChain and mem0
 * types, which the default install lacks (`bench/peers/tsconfig.json` checks those files).
 */
async function peerAdapter(file: string, factory: string): Promise<Library> {
  const specifier = `./peers/${file}.js`
  const module = (await import(specifier)) as Record<string, (context: LibraryContext) => Promise<Library>>
  return module[factory]!(context)
}

const notes: string[] = []
const libraries: Library[] = []
const unavailable: ResultRow[] = []
const factories: [string, () => Promise<Library>][] = [
  [
    'TripSage',
    () =>
      oursLibrary(
        context,
        nativeDb ?? socket!.kysely({ max: 4, sessions: true }).db,
        users,
        indexOptions,
        nativeDb
          ? 'createPostgresDatabase (pg in pipeline mode: scope entry, statement and commit in one flight)'
          : 'a pg Pool + Kysely PostgresDialect (one-message scope entry)',
      ),
  ],
  ['LangChain PGVectorStore', () => peerAdapter('langchain', 'langchainLibrary')],
  ['mem0 OSS Memory', () => peerAdapter('mem0', 'mem0Library')],
]
for (const [name, make] of factories) {
  if (onlyLibraries && !onlyLibraries.some((o) => name.toLowerCase().includes(o))) continue
  try {
    log(`starting ${name}`)
    libraries.push(await make())
  } catch (error) {
    unavailable.push({ case: name, status: `could not start: ${String(error).slice(0, 300)}` })
  }
}

// Ground truth: exact cosine top-k among the asking user's memories.
const byUser = new Map<number, CorpusMemory[]>()
for (const m of corpus.memories) byUser.set(m.user, [...(byUser.get(m.user) ?? []), m])
const dot = (a: Float32Array, b: Float32Array) => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}
const truth = corpus.queries.map((q, i) => {
  const v = Float32Array.from(queryVectors[i]!)
  const scored = (byUser.get(q.user) ?? []).map((m) => [m.doc, dot(v, vectorOf.get(m.doc)!)] as const)
  scored.sort((a, b) => b[1] - a[1])
  return { vector: v, kth: scored[Math.min(K, scored.length) - 1]?.[1] ?? -1, expected: Math.min(K, scored.length) }
})
/** Tie-aware recall: a hit counts when its exact score reaches the k-th best (equal vectors tie). */
const recallOf = (q: number, found: number[]) => {
  const t = truth[q]!
  const user = corpus.queries[q]!.user
  const good = new Set<number>()
  for (const doc of found) {
    const m = corpus.memories[doc]
    if (m && m.user === user && dot(t.vector, vectorOf.get(doc)!) >= t.kth - 1e-5) good.add(doc)
  }
  return Math.min(good.size, t.expected) / t.expected
}

const insertRows: ResultRow[] = []
const searchRows: ResultRow[] = []
const isolationRows: ResultRow[] = []
const recallByLibrary = new Map<string, number>()
const working: Library[] = []
try {
  // Loading is interleaved batch by batch (each batch goes to every library in rotating order), so
  // the machine's load — shared with other work — hits every library alike.
  const batchesOf: [number, CorpusMemory[]][] = []
  for (const [user, memories] of byUser)
    for (let i = 0; i < memories.length; i += BATCH) batchesOf.push([user, memories.slice(i, i + BATCH)])
  const loadMs = new Map<Library, number>(libraries.map((l) => [l, 0]))
  const failed = new Set<Library>()
  const loadAtLoadStart = loadavg()[0]!
  log(`loading ${libraries.map((l) => l.name).join(', ')}, ${batchesOf.length} batches each, interleaved`)
  for (const [b, [user, batch]] of batchesOf.entries()) {
    for (let j = 0; j < libraries.length; j++) {
      const library = libraries[(b + j) % libraries.length]!
      if (failed.has(library)) continue
      const t0 = performance.now()
      try {
        await library.insertBatch(user, batch)
      } catch (error) {
        failed.add(library)
        unavailable.push({ case: library.name, status: `failed while loading: ${String(error).slice(0, 300)}` })
      }
      loadMs.set(library, loadMs.get(library)! + performance.now() - t0)
    }
    if (b % 10 === 0) log(`  batch ${b + 1}/${batchesOf.length}`)
  }
  for (const library of libraries) {
    if (failed.has(library)) continue
    try {
      const ms = loadMs.get(library)!
      log(`loaded ${library.name} in ${round(ms / 1000, 1)} s; building index`)
      const indexMs = await library.buildIndex()
      insertRows.push({
        case: library.name,
        'rows/s': round((SIZE * 1000) / ms, 1),
        'load s': round(ms / 1000, 2),
        'ms per batch of 50': round(ms / batchesOf.length, 1),
        'index build after load ms': indexMs === null ? 'n/a (index maintained while loading)' : round(indexMs, 0),
      })
      working.push(library)
    } catch (error) {
      unavailable.push({ case: library.name, status: `failed while indexing: ${String(error).slice(0, 300)}` })
    }
  }
  const oursInsert = insertRows.find((r) => r.case.startsWith('TripSage'))
  const mem0Insert = insertRows.find((r) => r.case.startsWith('mem0'))
  if (oursInsert)
    notes.push(
      `TripSage addMany(50) on ${engine === 'postgres' ? 'native PostgreSQL 15' : 'PGlite over pglite-socket'}: ${oursInsert['rows/s']} rows/s (embedding included, HNSW index maintained)${mem0Insert ? `, ${round((oursInsert['rows/s'] as number) / (mem0Insert['rows/s'] as number), 2)}× mem0` : ''}; load average (1 min) ${loadAtLoadStart.toFixed(1)} when the load began, ${loadavg()[0]!.toFixed(1)} when it ended.`,
    )
  for (const row of insertRows)
    if (oursInsert && row !== oursInsert)
      row['TripSage rows/s ÷ this'] = round((oursInsert['rows/s'] as number) / (row['rows/s'] as number), 2)
  await sql`analyze`.execute(database.db)

  for (const library of [...working]) {
    try {
      log(`recall of ${library.name}`)
      let recallSum = 0
      let hits = 0
      for (let q = 0; q < corpus.queries.length; q++) {
        const t0 = performance.now()
        const found = await library.search(corpus.queries[q]!, K)
        if (q < 3) log(`  query ${q}: ${round(performance.now() - t0, 1)} ms, ${found.length} results`)
        recallSum += recallOf(q, found)
        hits += found.length
      }
      server.resetStats()
      await library.search(corpus.queries[0]!, K)
      const embedCalls = server.stats().requests
      const r = round(recallSum / corpus.queries.length)
      recallByLibrary.set(library.name, r)
      searchRows.push({
        case: library.name,
        [`recall@${K}`]: r,
        'results per query': round(hits / corpus.queries.length, 1),
        'embedding requests per search': embedCalls,
      })
    } catch (error) {
      unavailable.push({ case: library.name, status: `failed while searching: ${String(error).slice(0, 300)}` })
      working.splice(working.indexOf(library), 1)
    }
  }

  log('timing searches')
  const stats = await measure(
    Object.fromEntries(
      working.map((l) => [
        l.name,
        async (i: number) => {
          const t0 = performance.now()
          await l.search(corpus.queries[i % QUERIES]!, K)
          if (i < 3) log(`  timing ${l.name} ${i}: ${round(performance.now() - t0, 1)} ms`)
        },
      ]),
    ),
    quick ? { iterations: 30, warmup: 6, budgetMs: 4_000, minIterations: 10 } : { iterations: 300, warmup: 30 },
  )
  const ours = working.find((l) => l.name.startsWith('TripSage'))?.name
  for (const row of searchRows) {
    const s = stats[row.case]
    if (!s) continue
    Object.assign(row, {
      p50Ms: s.p50Ms,
      p95Ms: s.p95Ms,
      ...(ours && row.case !== ours
        ? { baseline: ours, ratioP50: ratio(s.p50Ms, stats[ours]!.p50Ms), ratioP95: ratio(s.p95Ms, stats[ours]!.p95Ms) }
        : {}),
    })
  }

  log('isolation probes')
  const victim = byUser.get(1)![0]!
  for (const library of working) {
    try {
      const outcome = await library.isolation(0, 1, victim)
      isolationRows.push({ case: library.name, 'isolation holds': outcome.holds ? 'yes' : 'no', how: outcome.how })
    } catch (error) {
      isolationRows.push({ case: library.name, 'isolation holds': 'error', how: String(error).slice(0, 300) })
    }
  }
} finally {
  log('closing')
  for (const library of libraries) await library.close().catch(() => undefined)
  log('closing socket')
  await socket?.close()
  await nativeDb?.destroy()
  log('closing embeddings server')
  await server.close()
}

for (const row of unavailable) notes.push(`${row.case}: ${row.status}`)
const oursRecall = [...recallByLibrary.entries()].find(([name]) => name.startsWith('TripSage'))?.[1]
await writeResult({
  name: engine === 'postgres' ? 'peers-native' : 'peers',
  title:
    engine === 'postgres'
      ? 'Peers on native PostgreSQL: same data and database'
      : 'Peers on the same data and database',
  mode: quick ? 'quick' : 'full',
  setup: `${SIZE} memories (40 topic clusters, ${USERS} users, ${SIZE / USERS} each), ${QUERIES} queries, k = ${K}; ${engine === 'postgres' ? 'PostgreSQL 15 + pgvector 0.8.0 (native tier, started by the bench) over loopback, every library connecting with pg (TripSage through createPostgresDatabase)' : 'one PGlite (pgvector) served by @electric-sql/pglite-socket (no added delay) behind the exclusive-sessions proxy (lib/exclusive-sessions.ts: each connection keeps the one session for a whole protocol exchange, as a backend of its own would; pglite-socket alone interleaves concurrent extended-protocol batches, electric-sql/pglite#1046), every library connecting with pg'}; every library embeds through one local OpenAI-compatible /v1/embeddings server returning the same deterministic 1536-dim vectors (${BENCH_EMBEDDING_MODEL}). ${libraries.map((l) => `${l.name}: ${l.setup}.`).join(' ')}`,
  tables: [
    {
      title: `search (k = ${K}, as the query's user)`,
      rows: searchRows,
      note: "Latency includes the HTTP embedding call(s) every library makes per query. Recall: tie-aware, against exact cosine top-k among the asking user's memories. mem0 ranks by its own fusion (semantic + BM25 + entity boost), so its recall against pure cosine measures that reordering too.",
    },
    {
      title: `insert (batches of ${BATCH}, embedding included, interleaved)`,
      rows: insertRows,
      noChart: true,
      note: 'Goal (issue 15): TripSage ≥ 2× mem0 on the same engine and data, with the index maintained during the load. Batches are interleaved across libraries, so the load of the shared machine hits them alike.',
    },
    { title: 'per-user isolation', rows: isolationRows, noChart: true },
  ],
  checks: oursRecall === undefined ? [] : [atLeast(`TripSage recall@${K} on the peer corpus`, oursRecall, 0.98)],
  notes,
})
await database.close()
await native?.stop()
if (oursRecall === undefined) {
  process.stderr.write('peers: TripSage did not run\n')
  process.exit(1)
}
