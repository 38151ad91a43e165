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
import { createHash } from 'node:crypto'
import { cpus } from 'node:os'
import { createTripSage, localEmbedder, type UserClient } from '@tripsage/core'
import { createPostgresDatabase } from '@tripsage/core/pg'
import { createTestUser, type TestUser } from '@tripsage/testing'
import { type CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { settingsQuery } from '../packages/core/src/db/scope-entry.js'
import { startDelayProxy } from './lib/delay-proxy.js'
import { drive, mergeRuns, type Run } from './lib/load-driver.js'
import { skipWithoutNative, startNativeDatabase } from './lib/native-server.js'
import { loadNow, parseArgs, type ResultRow, writeResult } from './lib/results.js'
import { capturingKysely, isScopeStatement, scopeSettings } from './lib/sql-capture.js'
import { percentile, round } from './lib/timing.js'

const { quick } = parseArgs()
const log = (line: string) => process.stdout.write(`concurrency: ${line}\n`)
const LEVELS = quick ? [1, 10] : [1, 10, 50]
/** The SDK's default pool size (`createPostgresDatabase`), where the main matrix runs. */
const POOL = 10
/** Pool sizes compared at the most users (2 cores: how many connections pay off). */
const POOL_SIZES = quick ? [POOL] : [4, 10, 20]
const SECONDS = quick ? 1 : 6
/** The seeds' "471 QPS sustained", offered as an open-loop rate in full mode. */
const SEEDS_QPS = 471
const MEMORIES_PER_USER = quick ? 50 : 100
const HISTORY = quick ? 50 : 100
const DELAYS = quick ? [0] : [0, 1]

await skipWithoutNative('concurrency', 'Concurrent users on native PostgreSQL', quick)

const loadAtStart = loadNow()
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

// The raw baselines: each operation's data statements, captured from one SDK call per user.
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

/**
 * A captured statement's parameters for replay `i`: a memory write gets fresh content and a fresh
 * content hash (the hash is unique per user, so replaying the captured one would only dedup and
 * skip the HNSW insert the SDK call paid for).
 */
function freshParameters(op: string, parameters: readonly unknown[], i: number): readonly unknown[] {
  if (op !== 'memory.add') return parameters
  return parameters.map((p) =>
    typeof p !== 'string'
      ? p
      : p
          .replace(/load memory -?\d+ [0-9.e-]+/g, `raw load memory ${i} ${Math.random()}`)
          .replace(/\b[0-9a-f]{64}\b/g, (hash) =>
            createHash('sha256').update(`raw ${i} ${Math.random()} ${hash}`).digest('hex'),
          ),
  )
}

/** The three ways a call is sent. */
type Variant = 'SDK' | 'raw as the user' | 'raw superuser' | 'raw, the SDK’s wire'

/** The seeds' per-operation target an operation is held to. */
function targetOf(name: string): string {
  return name.startsWith('memory.search')
    ? 'p95 < 100 ms (vector search)'
    : name.startsWith('chat.messages.history')
      ? 'p95 < 75 ms (history)'
      : name.startsWith('trips') || name.startsWith('flights')
        ? 'p95 < 200 ms (trip queries)'
        : ''
}
const targetMs = (target: string) => Number(/< (\d+) ms/.exec(target)?.[1] ?? Number.NaN)

function perOpRows(run: Run, label: string): ResultRow[] {
  return [...run.perOp].map(([name, list]) => {
    const target = targetOf(name)
    const p95 = round(percentile(list, 0.95), 2)
    return {
      case: `${name} (${label})`,
      p50Ms: round(percentile(list, 0.5), 2),
      p95Ms: p95,
      'p99 ms': round(percentile(list, 0.99), 2),
      calls: list.length,
      "seeds' target": target,
      met: target ? (p95 < targetMs(target) ? 'yes' : 'no') : '',
    }
  })
}

/** Pools and clients for one transport (loopback, or through the delay proxy) and pool size. */
async function openTransport(url: string, pool: number) {
  const sdkDb = createPostgresDatabase({ connectionString: url, max: pool })
  const sdk = createTripSage({ db: sdkDb, embedder })
  const clients = users.map((s) => sdk.forUser(s.user.claims))
  const gucs = Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)
  /** A raw pool in pipeline mode (one write per query, like the SDK's) with these startup settings. */
  const rawPool = (startup: string[]) =>
    new pg.Pool({
      connectionString: url,
      max: pool,
      ...(startup.length ? { options: startup.join(' ') } : {}),
      pipeline: true,
    } as pg.PoolConfig)
  // Raw as the user: the role as a connection setting, the claims set in the same flight as the
  // first statement, so RLS applies exactly as in the SDK's call, without the transaction around it.
  const asUserPool = rawPool(['-c role=authenticated', ...gucs])
  // The SDK's wire without the SDK: `begin`, the settings statement, the data statement and
  // `commit` pipelined in one flight per statement, as the scope sends them for a one-statement call.
  const wirePool = rawPool(gucs)
  // Superuser, no RLS. Pipeline mode too: a plain pool's 15 kB search statements stalled for tens
  // of ms a call through the delay proxy.
  const superPool = rawPool(gucs)
  const claimsOf = users.map((s) => JSON.stringify({ ...s.user.claims, role: 'authenticated' }))
  const send: Record<Variant, (op: Op, user: number, i: number) => Promise<unknown>> = {
    SDK: (op, user, i) => op.call(clients[user]!, users[user]!, i),
    'raw as the user': async (op, user, i) => {
      const client = await asUserPool.connect()
      try {
        const claims = client.query(`select set_config('request.jwt.claims', $1, false)`, [claimsOf[user]])
        for (const [k, q] of statements.get(op.name)![user]!.entries()) {
          const result = client.query(q.sql, freshParameters(op.name, q.parameters, i) as unknown[])
          await (k === 0 ? Promise.all([claims, result]) : result)
        }
      } finally {
        client.release()
      }
    },
    'raw, the SDK’s wire': async (op, user, i) => {
      const client = await wirePool.connect()
      try {
        for (const q of statements.get(op.name)![user]!) {
          const entry = settingsQuery('authenticated', JSON.parse(claimsOf[user]!), settings)
          await Promise.all([
            client.query('begin'),
            client.query(entry.sql, entry.parameters as unknown[]),
            client.query(q.sql, freshParameters(op.name, q.parameters, i) as unknown[]),
            client.query('commit'),
          ])
        }
      } finally {
        client.release()
      }
    },
    'raw superuser': async (op, user, i) => {
      for (const q of statements.get(op.name)![user]!)
        await superPool.query(q.sql, freshParameters(op.name, q.parameters, i) as unknown[])
    },
  }
  return {
    send,
    async close() {
      await sdkDb.destroy()
      await asUserPool.end()
      await wirePool.end()
      await superPool.end()
    },
  }
}

/**
 * Runs each variant for SECONDS in two halves, in order and then in reverse, so a drift in the
 * machine's load hits every variant alike.
 */
async function interleaved(
  n: number,
  ops: Op[],
  send: Record<Variant, (op: Op, user: number, i: number) => Promise<unknown>>,
  variants: Variant[],
): Promise<Partial<Record<Variant, Run>>> {
  const half = { seconds: SECONDS / 2 }
  const first: Partial<Record<Variant, Run>> = {}
  const runs: Partial<Record<Variant, Run>> = {}
  for (const v of variants) first[v] = await drive(n, ops, send[v], half)
  for (const v of [...variants].reverse()) runs[v] = mergeRuns(first[v]!, await drive(n, ops, send[v], half))
  return runs
}

/** A row of the QPS table: the SDK against raw as the user (and raw superuser when it ran). */
function qpsRow(name: string, runs: Partial<Record<Variant, Run>>, load: number): ResultRow {
  const sdk = runs.SDK!
  const asUser = runs['raw as the user']!
  const su = runs['raw superuser']
  return {
    case: name,
    p50Ms: sdk.p50,
    p95Ms: sdk.p95,
    baseline: 'raw as the user, same concurrency',
    ratioP50: round(sdk.p50 / asUser.p50, 2),
    ratioP95: round(sdk.p95 / asUser.p95, 2),
    'SDK QPS': sdk.qps,
    'SDK p99 ms': sdk.p99,
    'SDK client CPU ms/call': sdk.clientCpuMs,
    'raw as user QPS': asUser.qps,
    'raw as user p50 / p95 / p99 ms': `${asUser.p50} / ${asUser.p95} / ${asUser.p99}`,
    'raw as user client CPU ms/call': asUser.clientCpuMs,
    ...(su
      ? {
          'raw superuser QPS': su.qps,
          'raw superuser p50 / p95 / p99 ms': `${su.p50} / ${su.p95} / ${su.p99}`,
          'SDK ÷ raw superuser p50': round(sdk.p50 / su.p50, 2),
        }
      : {}),
    load,
  }
}

/** The SDK's closed-loop QPS at the most users (sets the sustainable paced rate). */
let closedLoopQps = 0
const qpsRows: ResultRow[] = []
const oneUserRows: ResultRow[] = []
const pacedRows: ResultRow[] = []
const targetRows: ResultRow[] = []
const loads: Record<string, number> = {}
const serverPort = Number(new URL(native.url).port)
const allVariants: Variant[] = quick ? ['SDK', 'raw as the user'] : ['SDK', 'raw as the user', 'raw superuser']
try {
  for (const delay of DELAYS) {
    const proxy = delay > 0 ? await startDelayProxy(serverPort, delay) : null
    const url = new URL(native.url)
    if (proxy) url.port = String(proxy.port)
    const where = delay > 0 ? `loopback + ${delay} ms each way` : 'loopback'
    try {
      // 1. Closed loop at the documented default pool size, SDK against both raw baselines.
      const transport = await openTransport(url.toString(), POOL)
      try {
        for (const [workload, ops] of [
          ['mixed', mixed],
          ['memory.search alone', searchOnly],
        ] as const) {
          for (const n of LEVELS) {
            log(`${where}: ${workload}, ${n} users, pool ${POOL}`)
            const load = loadNow()
            const variants: Variant[] = n === 1 ? [...allVariants, 'raw, the SDK’s wire'] : allVariants
            const runs = await interleaved(n, ops, transport.send, variants)
            const sdk = runs.SDK!
            const asUser = runs['raw as the user']!
            const su = runs['raw superuser']
            qpsRows.push(qpsRow(`${workload}, ${n} user${n === 1 ? '' : 's'} (${where})`, runs, load))
            if (workload === 'mixed' && n === LEVELS.at(-1)) closedLoopQps = sdk.qps
            if (workload === 'mixed' && n === LEVELS.at(-1))
              targetRows.push(...perOpRows(sdk, `${where}, ${n} users back to back, pool ${POOL}`))
            if (workload === 'mixed' && n === 1)
              for (const [name, list] of sdk.perOp) {
                const raw = asUser.perOp.get(name)!
                const rawSu = su?.perOp.get(name)
                const wire = runs['raw, the SDK’s wire']!.perOp.get(name)!
                oneUserRows.push({
                  case: `1 user, ${name} (${where})`,
                  p50Ms: round(percentile(list, 0.5), 2),
                  p95Ms: round(percentile(list, 0.95), 2),
                  baseline: 'raw as the user',
                  ratioP50: round(percentile(list, 0.5) / percentile(raw, 0.5), 2),
                  ratioP95: round(percentile(list, 0.95) / percentile(raw, 0.95), 2),
                  'raw as user p50 ms': round(percentile(raw, 0.5), 2),
                  'raw, the SDK’s wire p50 ms': round(percentile(wire, 0.5), 2),
                  ...(rawSu ? { 'raw superuser p50 ms': round(percentile(rawSu, 0.5), 2) } : {}),
                  load,
                })
              }
          }
        }
        // 2. Open loop: the seeds' 471 calls/s offered by 50 users, and half of what the SDK reached
        // back to back (a rate this machine sustains); latency from when each call was due.
        if (!quick) {
          const n = LEVELS.at(-1)!
          for (const rate of [SEEDS_QPS, Math.max(10, Math.round(closedLoopQps / 20) * 10)]) {
            for (const v of ['SDK', 'raw as the user'] as const) {
              log(`${where}: mixed, ${n} users paced at ${rate} calls/s, ${v}`)
              const load = loadNow()
              const run = await drive(n, mixed, transport.send[v], { seconds: SECONDS, rate })
              pacedRows.push({
                case: `${v}: mixed at ${rate} calls/s offered, ${n} users (${where}, pool ${POOL})`,
                p50Ms: run.p50,
                p95Ms: run.p95,
                'p99 ms': run.p99,
                'achieved QPS': run.qps,
                sustained: run.qps >= rate * 0.95 ? 'yes' : 'no',
                load,
              })
              if (v === 'SDK')
                targetRows.push(...perOpRows(run, `${where}, ${n} users paced at ${rate}/s, pool ${POOL}`))
            }
          }
        }
      } finally {
        await transport.close()
      }
      // 3. Pool size: the mixed workload at the most users, SDK and raw as the user.
      for (const size of POOL_SIZES.filter((p) => p !== POOL)) {
        const n = LEVELS.at(-1)!
        log(`${where}: mixed, ${n} users, pool ${size}`)
        const other = await openTransport(url.toString(), size)
        try {
          const load = loadNow()
          const runs = await interleaved(n, mixed, other.send, ['SDK', 'raw as the user'])
          qpsRows.push(qpsRow(`mixed, ${n} users (${where}), pool ${size}`, runs, load))
        } finally {
          await other.close()
        }
      }
    } finally {
      await proxy?.close()
    }
  }
} finally {
  loads.end = loadNow()
  await admin.destroy()
  await native.stop()
}

const machineNote = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; load average (1 min) ${loadAtStart} at start, ${loads.end} at end; the bench process (client) and the server share the cores, with other sessions`
await writeResult({
  name: 'concurrency',
  title: 'Concurrent users on native PostgreSQL',
  mode: quick ? 'quick' : 'full',
  setup: `PostgreSQL 15 + pgvector 0.8.0 started by the bench (native tier, default server settings but fsync off), every migration applied by \`supabase db push\`; ${LEVELS.at(-1)} users, each with a trip, a chat session of ${HISTORY} messages and ${MEMORIES_PER_USER} memories (localEmbedder; at this size the planner serves search by the exact path). SDK: createPostgresDatabase (the documented wiring: pg pool in pipeline mode) + forUser(claims), one transaction per call under RLS. Two raw baselines send the same data statements, captured from one SDK call per user and operation (memory writes get fresh content and hash, so they insert like the SDK's): **raw as the user** — role authenticated as a connection setting, the user's claims set in the same flight as the first statement, no transaction: the SQL a hand-written app would send for the same result under RLS; **raw superuser** — no RLS, no transaction (what the previous run compared against). Closed loop: each of N users runs its calls back to back for ${SECONDS} s (in two halves, variants interleaved); QPS = calls/s over all users. ${machineNote}.`,
  tables: [
    {
      title: `QPS and latency per call, SDK vs raw at the same concurrency (pool ${POOL}; pool ${POOL_SIZES.filter((p) => p !== POOL).join(' and ') || '–'} at ${LEVELS.at(-1)} users)`,
      rows: qpsRows,
      note: "Seeds' target: 471 QPS sustained (mixed workload). `× p50` = SDK ÷ raw as the user at the same N. The load column is the 1-minute load average when the row's runs started.",
      load: loadAtStart,
    },
    {
      title: 'one user, mixed workload: each operation, SDK vs raw (what the 1-user ratio is made of)',
      rows: oneUserRows,
      noChart: true,
      note: 'SDK ÷ raw as the user is the whole price of the SDK at one user; the SDK’s wire (begin, settings, statement, commit in one flight, no SDK code) splits it: raw as the user → the SDK’s wire is what the transaction and the scope entry cost the server, the SDK’s wire → SDK is the SDK’s JavaScript (validation, SQL building, row mapping) and the driver.',
      load: loadAtStart,
    },
    ...(pacedRows.length
      ? [
          {
            title: `paced (open loop): the seeds' 471 calls/s, and a sustainable rate, offered by ${LEVELS.at(-1)} users`,
            rows: pacedRows,
            noChart: true,
            note: "Each user's calls are due at fixed intervals so all users together offer the rate; latency counts from when a call was due, so a queue shows: where the achieved rate stays below the offered one (sustained: no), the queue grows for the whole run and latency measures the run's length, not the system. The second rate is half of what the SDK reached back to back at 50 users.",
            load: loadAtStart,
          },
        ]
      : []),
    {
      title: `per operation in the mixed workload at ${LEVELS.at(-1)} users, with the seeds' targets`,
      rows: targetRows,
      noChart: true,
      note: "Seeds' targets: vector search p95 < 100 ms, chat history p95 < 75 ms, trip queries p95 < 200 ms. Back to back, 50 users keep 50 calls in flight whatever the rate, so each call waits behind the others (latency ≈ users ÷ QPS); paced at 471 calls/s they wait only when the server falls behind.",
      load: loadAtStart,
    },
  ],
  checks: [],
  notes: [machineNote],
})
