/**
 * Concurrent users on the native tier (PostgreSQL 15 + pgvector, loopback): N = 1, 10, 50 users
 * on one `pg` pool, each running its calls back to back for a fixed time, for
 *
 * - the mixed workload: create trip, add flight, append chat message, history page, memory add,
 *   memory search (one of each per round, in rotating order);
 * - `memory.search` alone;
 *
 * through the SDK (`createPostgresDatabase` from `@tripsage/core/pg`, RLS scope, one flight per
 * one-statement call) and through the same data statements sent raw (captured from one SDK call
 * per operation, superuser, no transaction) on a plain `pg.Pool` of the same size. Reported: QPS
 * (calls/s) and p50/p95/p99 per call, beside the seeds' targets. Optionally through the 1 ms
 * proxy (`--proxy`).
 *
 *   node --conditions=@tripsage/source --import tsx bench/concurrency.ts [--quick]
 */
import { loadavg } from 'node:os'
import { createTripSage, localEmbedder, type UserClient } from '@tripsage/core'
import { createPostgresDatabase } from '@tripsage/core/pg'
import { createTestUser, type TestUser } from '@tripsage/testing'
import { type CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { startDelayProxy } from './lib/delay-proxy.js'
import { nativeUnavailable, startNativeDatabase } from './lib/native-server.js'
import { parseArgs, type ResultRow, writeResult } from './lib/results.js'
import { capturingKysely, isScopeStatement, scopeSettings } from './lib/sql-capture.js'
import { percentile, round } from './lib/timing.js'

const { quick } = parseArgs()
const log = (line: string) => process.stdout.write(`concurrency: ${line}\n`)
const LEVELS = quick ? [1, 10] : [1, 10, 50]
const POOL = 20
const SECONDS = quick ? 1 : 6
const MEMORIES_PER_USER = quick ? 50 : 100
const HISTORY = quick ? 50 : 100
const DELAYS = quick ? [0] : [0, 1]

const why = nativeUnavailable()
if (why) {
  await writeResult({
    name: 'concurrency',
    title: 'Concurrent users on native PostgreSQL',
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
const embedder = localEmbedder()
const adminPool = new pg.Pool({ connectionString: native.url, max: 4 })
const admin = new Kysely<any>({ dialect: new PostgresDialect({ pool: adminPool }) })

interface Seeded {
  user: TestUser
  tripId: string
  sessionId: string
}
const users: Seeded[] = []
const topics = ['beach', 'museum', 'vegan food', 'hiking', 'window seat', 'late checkout', 'jazz bars', 'trains']
log(`seeding ${LEVELS.at(-1)} users`)
{
  const seedDb = createPostgresDatabase({ connectionString: native.url, max: 4 })
  const seedSdk = createTripSage({ db: seedDb, embedder })
  for (let u = 0; u < LEVELS.at(-1)!; u++) {
    const user = await createTestUser(admin)
    const me = seedSdk.forUser(user.claims)
    const trip = await me.trips.create({
      name: `Trip ${u}`,
      destination: 'Lisbon',
      startDate: '2026-06-01',
      endDate: '2026-06-07',
    })
    const session = await me.chat.sessions.create({ title: `Session ${u}` })
    for (let i = 0; i < HISTORY; i += 50)
      await me.chat.messages.append(
        session.id,
        Array.from({ length: 50 }, (_, j) => ({
          role: 'user' as const,
          content: `message ${i + j} about ${topics[(i + j) % topics.length]}`,
        })),
      )
    for (let i = 0; i < MEMORIES_PER_USER; i += 50)
      await me.memory.addMany(
        Array.from({ length: 50 }, (_, j) => ({
          content: `User ${u} likes ${topics[(i + j) % topics.length]} number ${i + j}`,
        })),
      )
    users.push({ user, tripId: trip.id, sessionId: session.id })
  }
  await seedDb.destroy()
}
await sql`analyze`.execute(admin)
const queryVectors = await embedder.embed(topics.map((t) => `where can I find ${t}`))

/** A query vector for call `i` (negative for the captured calls). */
const vectorFor = (i: number) => queryVectors[Math.abs(i) % queryVectors.length]!

type Op = { name: string; call: (me: UserClient, s: Seeded, i: number) => Promise<unknown> }
const mixed: Op[] = [
  {
    name: 'trips.create',
    call: (me, _s, i) =>
      me.trips.create({ name: `Load ${i}`, destination: 'Porto', startDate: '2026-07-01', endDate: '2026-07-03' }),
  },
  {
    name: 'flights.add',
    call: (me, s) =>
      me.flights.add(s.tripId, { origin: 'LIS', destination: 'OPO', departureDate: '2026-07-01', price: 60 }),
  },
  {
    name: 'chat.messages.append',
    call: (me, s, i) => me.chat.messages.append(s.sessionId, { role: 'user', content: `load ${i}` }),
  },
  { name: 'chat.messages.history (page of 20)', call: (me, s) => me.chat.messages.history(s.sessionId, { limit: 20 }) },
  {
    name: 'memory.add',
    call: (me, _s, i) =>
      me.memory.add({
        content: `load memory ${i} ${Math.random()}`,
        embedding: vectorFor(i),
        embeddingModel: embedder.model,
      }),
  },
  {
    name: 'memory.search (k = 10)',
    call: (me, _s, i) =>
      me.memory.search({
        embedding: vectorFor(i),
        embeddingModel: embedder.model,
        limit: 10,
      }),
  },
]
const searchOnly = [mixed[5]!]

// The raw baseline: each operation's data statements, captured from one SDK call per user.
log('capturing SQL')
const capturePool = new pg.Pool({ connectionString: native.url, max: 2 })
const capture = capturingKysely(new PostgresDialect({ pool: capturePool }))
const captureSdk = createTripSage({ db: capture.db, embedder })
const statements = new Map<string, CompiledQuery[][]>()
let settings: Record<string, string> = {}
for (const op of mixed) {
  const perUser: CompiledQuery[][] = []
  for (const [u, s] of users.entries()) {
    capture.take()
    await op.call(captureSdk.forUser(s.user.claims), s, -1 - u)
    const taken = capture.take()
    if (op.name.startsWith('memory.search')) settings = { ...settings, ...scopeSettings(taken) }
    perUser.push(taken.filter((q) => !isScopeStatement(q.sql)))
  }
  statements.set(op.name, perUser)
}
await capture.db.destroy()

interface Run {
  qps: number
  p50: number
  p95: number
  p99: number
  calls: number
  perOp: Map<string, number[]>
}

/** `n` users run `ops` back to back for SECONDS; every call's latency is recorded. */
async function drive(n: number, ops: Op[], call: (op: Op, s: Seeded, i: number) => Promise<unknown>): Promise<Run> {
  const samples: number[] = []
  const perOp = new Map<string, number[]>(ops.map((o) => [o.name, []]))
  const until = performance.now() + SECONDS * 1000
  const started = performance.now()
  await Promise.all(
    Array.from({ length: n }, async (_, w) => {
      const s = users[w]!
      for (let i = w; performance.now() < until; i++) {
        const op = ops[i % ops.length]!
        const t0 = performance.now()
        await call(op, s, i * 1000 + w)
        const ms = performance.now() - t0
        samples.push(ms)
        perOp.get(op.name)!.push(ms)
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  samples.sort((a, b) => a - b)
  return {
    qps: round(samples.length / elapsed, 0),
    p50: round(percentile(samples, 0.5), 2),
    p95: round(percentile(samples, 0.95), 2),
    p99: round(percentile(samples, 0.99), 2),
    calls: samples.length,
    perOp,
  }
}

const rows: ResultRow[] = []
const perOpRows: ResultRow[] = []
const serverPort = Number(new URL(native.url).port)
try {
  for (const delay of DELAYS) {
    const proxy = delay > 0 ? await startDelayProxy(serverPort, delay) : null
    const url = new URL(native.url)
    if (proxy) url.port = String(proxy.port)
    const sdkDb = createPostgresDatabase({ connectionString: url.toString(), max: POOL })
    const sdk = createTripSage({ db: sdkDb, embedder })
    const clients = users.map((s) => sdk.forUser(s.user.claims))
    const options = Object.entries(settings)
      .map(([k, v]) => `-c ${k}=${v}`)
      .join(' ')
    const rawPool = new pg.Pool({ connectionString: url.toString(), max: POOL, ...(options ? { options } : {}) })
    const where = delay > 0 ? `loopback + ${delay} ms each way` : 'loopback'
    try {
      for (const [workload, ops] of [
        ['mixed', mixed],
        ['memory.search alone', searchOnly],
      ] as const) {
        for (const n of LEVELS) {
          log(`${where}: ${workload}, ${n} users`)
          const viaSdk = await drive(n, ops, (op, s, i) => op.call(clients[users.indexOf(s)]!, s, i))
          const viaRaw = await drive(n, ops, async (op, s) => {
            for (const q of statements.get(op.name)![users.indexOf(s)]!)
              await rawPool.query(q.sql, q.parameters as unknown[])
          })
          rows.push({
            case: `${workload}, ${n} users (${where})`,
            p50Ms: viaSdk.p50,
            p95Ms: viaSdk.p95,
            baseline: 'raw SQL, same concurrency',
            ratioP50: round(viaSdk.p50 / viaRaw.p50, 2),
            ratioP95: round(viaSdk.p95 / viaRaw.p95, 2),
            'SDK QPS': viaSdk.qps,
            'SDK p99 ms': viaSdk.p99,
            'raw QPS': viaRaw.qps,
            'raw p50 ms': viaRaw.p50,
            'raw p95 ms': viaRaw.p95,
            'raw p99 ms': viaRaw.p99,
            'SDK calls': viaSdk.calls,
          })
          if (workload === 'mixed' && n === LEVELS.at(-1))
            for (const [name, list] of viaSdk.perOp) {
              list.sort((a, b) => a - b)
              const target = name.startsWith('memory.search')
                ? 'p95 < 100 ms (vector search)'
                : name.startsWith('chat.messages.history')
                  ? 'p95 < 75 ms (history)'
                  : name.startsWith('trips') || name.startsWith('flights')
                    ? 'p95 < 200 ms (trip queries)'
                    : ''
              perOpRows.push({
                case: `${name} (${where}, ${n} users, mixed)`,
                p50Ms: round(percentile(list, 0.5), 2),
                p95Ms: round(percentile(list, 0.95), 2),
                'p99 ms': round(percentile(list, 0.99), 2),
                calls: list.length,
                "seeds' target": target,
              })
            }
        }
      }
    } finally {
      await sdkDb.destroy()
      await rawPool.end()
      await proxy?.close()
    }
  }
} finally {
  await admin.destroy()
  await native.stop()
}

await writeResult({
  name: 'concurrency',
  title: 'Concurrent users on native PostgreSQL',
  mode: quick ? 'quick' : 'full',
  setup: `PostgreSQL 15 + pgvector 0.8.0 started by the bench (native tier), every migration applied by \`supabase db push\`; ${LEVELS.at(-1)} users, each with a trip, a chat session of ${HISTORY} messages and ${MEMORIES_PER_USER} memories (localEmbedder, exact path). SDK: createPostgresDatabase (pg pool of ${POOL}, pipeline mode) + forUser(claims); raw: the same data statements captured from one SDK call per user and operation, sent by a plain pg.Pool of ${POOL} as superuser (no transaction, no RLS). Each of N users runs its calls back to back for ${SECONDS} s; QPS = calls/s over all users. The bench process (client) shares the 2 cores with the server.`,
  tables: [
    {
      title: 'QPS and latency per call, SDK vs raw at the same concurrency',
      rows,
      note: "Seeds' target: 471 QPS sustained (mixed workload). `× p50` = SDK ÷ raw at the same N.",
    },
    {
      title: `per operation in the mixed workload at ${LEVELS.at(-1)} users, with the seeds' targets`,
      rows: perOpRows,
      note: "Seeds' targets: vector search p95 < 100 ms, chat history p95 < 75 ms, trip queries p95 < 200 ms.",
    },
  ],
  checks: [],
  notes: [
    `load average (1 min): ${loadAtStart.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end, on ${2} cores shared with other sessions`,
  ],
})
