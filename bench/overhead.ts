/**
 * SDK overhead: every repository operation against the same SQL sent raw through the same Kysely
 * instance, on the same database, interleaved.
 *
 *   node --conditions=@tripsage/source --import tsx bench/overhead.ts [--quick]
 *
 * 1. Embedded: PGlite in process (no network). Baselines: the captured data statements run raw
 *    (superuser, no transaction), and the same inside a Kysely transaction with the `set_config`
 *    statement (what a scope costs the database).
 * 2. Network: the same PGlite served by pglite-socket behind a proxy adding 1 ms each way, through
 *    the SDK's documented wirings (`@tripsage/core/pg`, `@tripsage/core/postgres-js`) as in an app
 *    server, and a plain `pg.Pool` + Kysely `PostgresDialect`. Round trips per call are counted in
 *    the proxy for every operation, next to the raw statements' (goal: SDK = raw).
 */
import { cpus, loadavg } from 'node:os'
import { createTripSage, type UserClient } from '@tripsage/core'
import { createPostgresDatabase } from '@tripsage/core/pg'
import { createPostgresJsDatabase } from '@tripsage/core/postgres-js'
import { createEmbeddedTestDatabase, createTestUser } from '@tripsage/testing'
import { type CompiledQuery, PGliteDialect, sql } from 'kysely'
import postgres from 'postgres'
import { parseArgs, type ResultRow, writeResult } from './lib/results.js'
import { serveOverSocket } from './lib/socket-database.js'
import {
  capturingKysely,
  isScopeStatement,
  replay,
  replayInKyselyTransaction,
  scopeSettings,
  withSessionSettings,
} from './lib/sql-capture.js'
import { type BenchCase, measure, ratio } from './lib/timing.js'
import { attachmentAndKeyOperations } from './operations/attachments-and-keys.js'
import { chatOperations } from './operations/chat.js'
import { memoryOperations } from './operations/memory.js'
import type { Operation, OperationSet } from './operations/operation.js'
import { tripOperations } from './operations/trips.js'

const { quick } = parseArgs()
const loadAtStart = loadavg()[0]!
const embedded = quick
  ? { iterations: 30, warmup: 10, budgetMs: 400, minIterations: 8 }
  : { iterations: 300, warmup: 50 }
const network = quick ? { iterations: 8, warmup: 4, budgetMs: 500, minIterations: 5 } : { iterations: 80, warmup: 15 }
const DELAY_MS = 1

const operationSets: OperationSet[] = [tripOperations, chatOperations, memoryOperations, attachmentAndKeyOperations]

const database = await createEmbeddedTestDatabase()
const owner = await createTestUser(database.db)
const me = createTripSage({ db: database.db }).forUser(owner.claims)
const world = { db: database.db, owner, me, createUser: () => createTestUser(database.db) }
const operations: Operation[] = []
for (const set of operationSets) operations.push(...(await set(world)))
// PGlite runs no autovacuum; give the planner the statistics a server would have by now.
await sql`analyze`.execute(database.db)

// The SQL of each operation, captured once on the embedded database.
const capture = capturingKysely(new PGliteDialect({ pglite: database.pglite }))
const captureMe = createTripSage({ db: capture.db }).forUser(owner.claims)
const statementsOf = new Map<Operation, CompiledQuery[]>()
/** Extra settings the SDK's scope sets for an operation (raw replays get them session-wide). */
const settingsOf = new Map<Operation, Record<string, string>>()
for (const op of operations) {
  await op.prepare?.(1)
  capture.take()
  await op.call(captureMe, -1)
  const captured = capture.take()
  statementsOf.set(
    op,
    captured.filter((s) => !isScopeStatement(s.sql)),
  )
  settingsOf.set(op, scopeSettings(captured))
}

/** The parameter rewrite of raw replay `i` (fresh rows for deletes). */
const varyOf = (op: Operation, i: number) => (op.vary ? (p: readonly unknown[]) => op.vary!(p, i) : undefined)

// PGlite's WebAssembly gets faster over its first few hundred statements; let that happen first.
for (let i = 0; i < (quick ? 60 : 200); i++) await me.trips.list({ limit: 5 })

// 1. Embedded.
const embeddedRows: ResultRow[] = []
for (const op of operations) {
  const statements = statementsOf.get(op)!
  await op.prepare?.((embedded.warmup + embedded.iterations) * 3)
  const stats = await withSessionSettings(database.db, settingsOf.get(op)!, () =>
    measure(
      {
        sdk: (i) => op.call(me, i),
        raw: (i) => replay(database.db, statements, varyOf(op, i)),
        scoped: (i) => replayInKyselyTransaction(database.db, owner.claims, statements, varyOf(op, i)),
      },
      embedded,
    ),
  )
  embeddedRows.push({
    case: op.name,
    p50Ms: stats.sdk!.p50Ms,
    p95Ms: stats.sdk!.p95Ms,
    baseline: 'raw statements',
    ratioP50: ratio(stats.sdk!.p50Ms, stats.raw!.p50Ms),
    ratioP95: ratio(stats.sdk!.p95Ms, stats.raw!.p95Ms),
    statements: statements.length,
    'raw p50 ms': stats.raw!.p50Ms,
    'raw p95 ms': stats.raw!.p95Ms,
    'raw in scope p50 ms': stats.scoped!.p50Ms,
    '× raw in scope': ratio(stats.sdk!.p50Ms, stats.scoped!.p50Ms),
  })
  process.stdout.write(`embedded ${op.name}: ${JSON.stringify(stats)}\n`)
}

// 2. Network: pglite-socket behind a 1 ms-each-way proxy, through the SDK's documented wirings.
const socket = await serveOverSocket(database.pglite, { delayMs: DELAY_MS })
const plain = socket.kysely({ max: 2 })
const pgDb = createPostgresDatabase({ connectionString: socket.url, max: 2 })
const postgresJs = postgres(socket.url, { max: 2, onnotice: () => undefined })
const postgresJsDb = createPostgresJsDatabase(postgresJs)
const pgMe: UserClient = createTripSage({ db: pgDb }).forUser(owner.claims)
const postgresJsMe: UserClient = createTripSage({ db: postgresJsDb }).forUser(owner.claims)
const plainMe: UserClient = createTripSage({ db: plain.db }).forUser(owner.claims)
const networkRows: ResultRow[] = []
// Round trips are the same for every one-statement operation; quick mode times a third of them.
const networkOperations = quick ? operations.filter((_, i) => i % 3 === 0) : operations
/** Round trips per case → the operations that showed them. */
const tripPatterns = new Map<string, string[]>()
/** Whether an operation's SDK calls cost the raw statements' round trips, per driver. */
const atRaw = (sdk: number | undefined, raw: number | undefined) =>
  sdk === raw ? 'yes' : `no (+${(sdk ?? 0) - (raw ?? 0)})`
try {
  // Round trips do not depend on the machine's load: every operation is counted, in both modes.
  for (const op of operations) {
    const timedHere = networkOperations.includes(op)
    const statements = statementsOf.get(op)!
    const cases: Record<string, BenchCase> = {
      raw: (i) => replay(pgDb, statements, varyOf(op, i)),
      sdk: (i) => op.call(pgMe, i),
      rawPostgresJs: (i) => replay(postgresJsDb, statements, varyOf(op, i)),
      sdkPostgresJs: (i) => op.call(postgresJsMe, i),
      plainPool: (i) => op.call(plainMe, i),
    }
    await op.prepare?.((network.warmup + network.iterations + 1) * 5 + 5)
    const trips: Record<string, number> = {}
    const stats = await withSessionSettings(database.db, settingsOf.get(op)!, async () => {
      // Untimed operations still warm up (connections open, statements prepared) before counting.
      const timed = timedHere
        ? await measure(cases, network)
        : await measure(cases, { iterations: 0, warmup: 2, minIterations: 0 })
      // One more call per case, each with its own iteration number (a repeated memory.add would dedup).
      for (const [k, [name, run]] of Object.entries(cases).entries()) {
        socket.proxy.reset()
        await run(1_000_000 + k)
        trips[name] = socket.proxy.roundTrips()
      }
      return timed
    })
    const pattern = `pg: raw ${trips.raw}, SDK ${trips.sdk}; postgres.js: raw ${trips.rawPostgresJs}, SDK ${trips.sdkPostgresJs}; Kysely PostgresDialect pool without the SDK's wiring: SDK ${trips.plainPool}`
    tripPatterns.set(pattern, [...(tripPatterns.get(pattern) ?? []), op.name])
    if (!timedHere) {
      networkRows.push({
        case: op.name,
        baseline: 'raw statements',
        'round trips raw (pg)': trips.raw!,
        'round trips SDK (pg)': trips.sdk!,
        'goal SDK = raw (pg)': atRaw(trips.sdk, trips.raw),
        'round trips raw (postgres.js)': trips.rawPostgresJs!,
        'round trips SDK (postgres.js)': trips.sdkPostgresJs!,
        'goal SDK = raw (postgres.js)': atRaw(trips.sdkPostgresJs, trips.rawPostgresJs),
        'round trips plain pool': trips.plainPool!,
      })
      process.stdout.write(`network ${op.name} (round trips only): ${JSON.stringify(trips)}\n`)
      continue
    }
    networkRows.push({
      case: op.name,
      p50Ms: stats.sdk!.p50Ms,
      p95Ms: stats.sdk!.p95Ms,
      baseline: 'raw statements',
      ratioP50: ratio(stats.sdk!.p50Ms, stats.raw!.p50Ms),
      ratioP95: ratio(stats.sdk!.p95Ms, stats.raw!.p95Ms),
      'raw p50 ms': stats.raw!.p50Ms,
      'round trips raw (pg)': trips.raw!,
      'round trips SDK (pg)': trips.sdk!,
      'goal SDK = raw (pg)': atRaw(trips.sdk, trips.raw),
      'postgres.js SDK p50 ms': stats.sdkPostgresJs!.p50Ms,
      'postgres.js raw p50 ms': stats.rawPostgresJs!.p50Ms,
      '× postgres.js': ratio(stats.sdkPostgresJs!.p50Ms, stats.rawPostgresJs!.p50Ms),
      'round trips raw (postgres.js)': trips.rawPostgresJs!,
      'round trips SDK (postgres.js)': trips.sdkPostgresJs!,
      'goal SDK = raw (postgres.js)': atRaw(trips.sdkPostgresJs, trips.rawPostgresJs),
      'plain pool SDK p50 ms': stats.plainPool!.p50Ms,
      'round trips plain pool': trips.plainPool!,
    })
    process.stdout.write(`network ${op.name}: ${JSON.stringify({ stats, trips })}\n`)
  }
} finally {
  await pgDb.destroy().catch(() => undefined)
  await postgresJsDb.destroy().catch(() => undefined)
  await plain.db.destroy().catch(() => undefined)
  await socket.close()
}

await writeResult({
  name: 'overhead',
  title: 'SDK overhead against the same SQL sent raw',
  mode: quick ? 'quick' : 'full',
  setup: `Embedded: PGlite in process through Kysely's PGliteDialect. Network: the same PGlite served by @electric-sql/pglite-socket, a loopback proxy adding ${DELAY_MS} ms each way, the SDK's documented wirings (\`createPostgresDatabase\` from @tripsage/core/pg: pg pool in pipeline mode; \`createPostgresJsDatabase\` from @tripsage/core/postgres-js), 2 connections each, and a plain pg Pool + Kysely PostgresDialect; SQL captured from one SDK call per operation and replayed raw through the same Kysely instance.`,
  tables: [
    {
      title: 'embedded (PGlite in process)',
      rows: embeddedRows,
      note: "`× p50` = SDK ÷ the same data statements sent raw (superuser, no transaction). `raw in scope` = the same statements inside a Kysely transaction with the scope `set_config` statement, i.e. what the scope costs the database; `× raw in scope` is what parsing, mapping and the repository add on top. On PGlite the scope falls back to a Kysely transaction (PGlite's extended-protocol queries refuse a several-statement message).",
    },
    {
      title: `network (pg → +${DELAY_MS} ms each way → pglite-socket)`,
      rows: networkRows,
      note: 'Round trips counted in the proxy (a round trip starts whenever the client sends after the server last spoke). Raw = the captured data statements sent through the same Kysely instance (superuser, no transaction). SDK (pg) = `createPostgresDatabase` (pipeline mode): a one-statement call sends scope entry, statement and `commit` in one flight; SDK (postgres.js) = `createPostgresJsDatabase`; plain pool = the SDK on a Kysely `PostgresDialect` over a `pg.Pool` without pipeline mode (one-message entry, statement, `commit`). Goal: SDK = raw.',
    },
  ],
  checks: [],
  notes: [
    `load average (1 min): ${loadAtStart.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end, ${cpus().length} cores shared`,
    '`memory.add` runs two scope transactions by design (the dedup lookup, then the insert), so that no transaction stays open while the embedder is called; each pays the scope entry and commit.',
    'The suite runs ANALYZE after seeding, as autovacuum would on a server (PGlite has none). Without it, `chat.messages.history` on a 1 000-message session took ~64 ms instead of ~2 ms: with no statistics the planner sorts every row of the session and evaluates the `private.can_read_chat_session` policy function on each.',
    ...[...tripPatterns].map(
      ([pattern, names]) =>
        `Round trips ${pattern}: ${names.length === operations.length ? 'every operation' : names.join(', ')}. Goal: SDK = raw.`,
    ),
  ],
  data: { embedded, network, delayMs: DELAY_MS },
})
await database.close()
