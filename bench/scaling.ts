/**
 * What grows with data and traffic, on native PostgreSQL (the numbers behind
 * `docs/guides/scaling.md`). Written as `scaling`.
 *
 * 1. **Search against one user's memories**: a user with n memories (1 000 / 4 000 / 16 000 /
 *    48 000; quick: 500 / 2 000) among 10 000 memories of 100 other users. The SDK's own search
 *    statement (captured from `memory.search`) is EXPLAIN ANALYZEd as the user (RLS) on the
 *    planner's plan, forced onto the exact path (the user's rows + a top-k sort) and forced onto
 *    the HNSW index (ef_search 100, iterative scans): server-side execution time (so the client's
 *    share of a loaded machine is left out), the planner's cost estimate of each path, and recall@10
 *    of the planner's and the HNSW path against exact.
 * 2. **Chat history against session and table size**: the newest and the oldest page of 20 of a
 *    session of 100 / 10 000 / 100 000 messages, through the SDK, with ~110 000 and then ~1.1 M
 *    messages in the table.
 * 3. **A transaction pooler**: PgBouncer in transaction mode (what Supavisor's port 6543 is) with
 *    10 server connections in front of 50 client connections, against the SDK's pool of 10 direct,
 *    at 10 and 50 users running chat history pages and appends back to back.
 *
 *   node --conditions=@tripsage/source --import tsx bench/scaling.ts [--quick]
 */
import { createTripSage, parseVectorText, type UserClient } from '@tripsage/core'
import { createPostgresDatabase } from '@tripsage/core/pg'
import { createTestUser, type TestUser } from '@tripsage/testing'
import { type CompiledQuery, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { startPgBouncer } from '../packages/core/src/db/pgbouncer.test-support.js'
import { drive } from './lib/load-driver.js'
import { openNativeSession, skipWithoutNative } from './lib/native-server.js'
import {
  atLeast,
  loadNow,
  parseArgs,
  type ResultCheck,
  type ResultRow,
  readResults,
  resultsDirFor,
  writeResult,
} from './lib/results.js'
import { capturingKysely, isScopeStatement } from './lib/sql-capture.js'
import {
  asUserStatement,
  createVectorSource,
  insertSyntheticMemories,
  SYNTHETIC_MODEL,
  syntheticQueries,
  withoutEmbeddingIndex,
} from './lib/synthetic-vectors.js'
import { measure, percentile, round } from './lib/timing.js'

const { quick, rest } = parseArgs()
const log = (line: string) => process.stdout.write(`scaling: ${line}\n`)
const SIZES = quick ? [500, 2_000] : [1_000, 4_000, 16_000, 48_000]
const BACKGROUND_USERS = 100
const BACKGROUND = quick ? 2_000 : 10_000
const QUERIES = quick ? 10 : 20
const SESSION_SIZES = quick ? [100, 2_000] : [100, 10_000, 100_000]
const EXTRA_MESSAGES = quick ? 20_000 : 1_000_000
const POOLER_USERS = quick ? [10] : [10, 50]
const POOLER_SECONDS = quick ? 1 : 5
const HNSW = { 'hnsw.ef_search': '100', 'hnsw.iterative_scan': 'relaxed_order' }

await skipWithoutNative('scaling', 'Scaling: search, chat history and a transaction pooler (native PostgreSQL)', quick)
const loadAtStart = loadNow()
const session = await openNativeSession()
const { db, native } = session
const searchRows: ResultRow[] = []
const historyRows: ResultRow[] = []
const poolerRows: ResultRow[] = []
const checks: ResultCheck[] = []
const loads: Record<string, number> = {}

/** Runs `fn` as the user (role, claims and settings transaction-local), then rolls nothing back. */
const asUser = <T>(user: TestUser, settings: Record<string, string>, fn: (trx: typeof db) => Promise<T>) =>
  db.transaction().execute(async (trx) => {
    await asUserStatement(user.claims, settings).execute(trx)
    return fn(trx)
  })

/** Part 1: the SDK's search statement by path and size. */
async function searchBySize() {
  const owner = await createTestUser(db)
  const others: TestUser[] = []
  for (let i = 0; i < BACKGROUND_USERS; i++) others.push(await createTestUser(db))
  await createVectorSource(db, 0.29)
  await withoutEmbeddingIndex(db, () =>
    insertSyntheticMemories(db, {
      userIds: others.map((o) => o.id),
      from: 0,
      to: BACKGROUND,
      tag: 'other',
      noise: 2,
    }),
  )
  const queries = await syntheticQueries(db, QUERIES, 1)
  // The SDK's statement, captured once; each query swaps its vector parameter.
  const capture = capturingKysely(new PostgresDialect({ pool: new pg.Pool({ connectionString: native.url, max: 1 }) }))
  await createTripSage({ db: capture.db })
    .forUser(owner.claims)
    .memory.search({
      embedding: parseVectorText(queries[0]!),
      embeddingModel: SYNTHETIC_MODEL,
      limit: 10,
    })
  const [statement] = capture.take().filter((q) => !isScopeStatement(q.sql))
  await capture.db.destroy()
  if (!statement) throw new Error('memory.search sent no statement')
  const vectorParameter = statement.parameters.findIndex((p) => typeof p === 'string' && p.startsWith('['))
  const withVector = (q: string): CompiledQuery => ({
    ...statement,
    parameters: statement.parameters.map((p, i) => (i === vectorParameter ? q : p)),
  })
  // A forced plan carries PostgreSQL's 1e10 cost penalty per disabled node it cannot avoid (the
  // outer sort), which crosses jit_above_cost: JIT compilation would then add ~0.5 s to a walk of
  // a few ms. The planner's own plans cost far below the JIT threshold.
  const modes = {
    planner: {},
    exact: { enable_indexscan: 'off', jit: 'off' },
    hnsw: { enable_seqscan: 'off', enable_bitmapscan: 'off', enable_sort: 'off', jit: 'off' },
  } as const
  let loaded = 0
  for (const size of SIZES) {
    log(`owner with ${size} memories`)
    const { indexBuildMs } = await withoutEmbeddingIndex(db, () =>
      insertSyntheticMemories(db, { userIds: [owner.id], from: loaded, to: size, tag: 'owner', noise: 2 }),
    )
    loaded = size
    const load = loadNow()
    const ms = { planner: [] as number[], exact: [] as number[], hnsw: [] as number[] }
    const cost = { exact: 0, hnsw: 0 }
    const plans = new Set<string>()
    let plannerJit = false
    const recall = { planner: 0, hnsw: 0 }
    for (const q of queries) {
      const found: Record<string, string[]> = {}
      for (const [mode, forced] of Object.entries(modes) as Array<[keyof typeof modes, Record<string, string>]>) {
        await asUser(owner, { ...HNSW, ...forced }, async (trx) => {
          const query = withVector(q)
          const explained = await trx.executeQuery<{ 'QUERY PLAN': string }>({
            ...query,
            sql: `explain (analyze, timing off, costs on) ${query.sql}`,
          })
          const lines = explained.rows.map((r) => r['QUERY PLAN'])
          const onIndex = lines.some((l) => l.includes('memories_embedding_idx'))
          ms[mode].push(Number(lines.map((l) => /Execution Time: ([\d.]+) ms/.exec(l)?.[1]).find(Boolean)))
          // PostgreSQL 15 adds 1e10 to the cost of each disabled node it could not avoid.
          const total = Number(/cost=[\d.]+\.\.([\d.]+)/.exec(lines[0] ?? '')?.[1] ?? Number.NaN) % 1e10
          if (mode !== 'planner') cost[mode] += total / queries.length
          if (mode === 'hnsw' && !onIndex) throw new Error('the forced HNSW plan did not use memories_embedding_idx')
          if (mode === 'exact' && onIndex) throw new Error('the forced exact plan used memories_embedding_idx')
          if (mode === 'planner') plans.add(onIndex ? 'HNSW index scan' : 'user’s rows + exact top-k sort')
          if (mode === 'planner' && lines.some((l) => l.startsWith('JIT:'))) plannerJit = true
          found[mode] = (await trx.executeQuery<{ id: string }>(query)).rows.map((r) => r.id)
        })
      }
      const exact = new Set(found.exact)
      for (const mode of ['planner', 'hnsw'] as const)
        recall[mode] +=
          (found[mode] ?? []).filter((id) => exact.has(id)).length / Math.max(1, exact.size) / queries.length
    }
    const stat = (list: number[]) => {
      const sorted = [...list].sort((a, b) => a - b)
      return `${round(percentile(sorted, 0.5), 2)} / ${round(percentile(sorted, 0.95), 2)}`
    }
    searchRows.push({
      case: `${size.toLocaleString('en-US')} memories for the user (${(BACKGROUND + size).toLocaleString('en-US')} in the table)`,
      "planner's path": [...plans].join(' / '),
      'planner JIT': plannerJit ? 'yes' : 'no',
      'planner p50 / p95 ms': stat(ms.planner),
      'exact path p50 / p95 ms': stat(ms.exact),
      'HNSW path p50 / p95 ms': stat(ms.hnsw),
      'est. cost exact / HNSW': `${round(cost.exact, 0)} / ${round(cost.hnsw, 0)}`,
      'recall@10 planner / HNSW': `${round(recall.planner, 3)} / ${round(recall.hnsw, 3)}`,
      'HNSW build ms': indexBuildMs,
      load,
    })
    checks.push(atLeast(`recall@10 of the planner's path at ${size} memories`, round(recall.planner, 3), 0.9))
  }
}

/** Part 2: history pages against session and table size. */
async function historyBySize() {
  const owner = await createTestUser(db)
  const sessions: Array<{ id: string; size: number }> = []
  // Bulk loads skip the row triggers (session-open check, UI defaults, realtime); readers fall back
  // to the same shape for rows written so (see the chat_ui_messages migration).
  await sql`set session_replication_role = replica`.execute(db)
  for (const size of SESSION_SIZES) {
    const [row] = (
      await sql<{
        id: string
      }>`insert into public.chat_sessions (user_id, title) values (${owner.id}, ${`history of ${size}`}) returning id`.execute(
        db,
      )
    ).rows
    await sql`insert into public.chat_messages (session_id, user_id, role, content)
      select ${row!.id}::uuid, ${owner.id}::uuid, case when g % 2 = 0 then 'user' else 'assistant' end,
        'message ' || g || ' about the trip to ' || (array['Lisbon','Kyoto','Oslo','Lima'])[1 + g % 4]
      from generate_series(1, ${size}) g`.execute(db)
    sessions.push({ id: row!.id, size })
  }
  await sql`reset session_replication_role`.execute(db)
  await sql`analyze public.chat_messages`.execute(db)
  const sdkDb = createPostgresDatabase({ connectionString: native.url, max: 2 })
  const me = createTripSage({ db: sdkDb }).forUser(owner.claims)
  const measureAll = async (label: string) => {
    const [{ count } = { count: '0' }] = (
      await sql<{ count: string }>`select count(*)::text as count from public.chat_messages`.execute(db)
    ).rows
    const load = loadNow()
    const cases: Record<string, () => Promise<unknown>> = {}
    for (const s of sessions) {
      cases[`${s.size} newest`] = () => me.chat.messages.history(s.id, { limit: 20 })
      cases[`${s.size} oldest`] = () => me.chat.messages.history(s.id, { limit: 20, order: 'oldest' })
    }
    const stats = await measure(cases, { iterations: quick ? 20 : 100, warmup: 10 })
    for (const s of sessions)
      historyRows.push({
        case: `session of ${s.size.toLocaleString('en-US')} messages, ${Number(count).toLocaleString('en-US')} in the table (${label})`,
        'newest page p50 / p95 ms': `${stats[`${s.size} newest`]!.p50Ms} / ${stats[`${s.size} newest`]!.p95Ms}`,
        'oldest page p50 / p95 ms': `${stats[`${s.size} oldest`]!.p50Ms} / ${stats[`${s.size} oldest`]!.p95Ms}`,
        load,
      })
  }
  try {
    await measureAll('before the bulk of other sessions')
    log(`adding ${EXTRA_MESSAGES} messages of other users' sessions`)
    const others: TestUser[] = []
    for (let i = 0; i < 100; i++) others.push(await createTestUser(db))
    await sql`set session_replication_role = replica`.execute(db)
    await sql`insert into public.chat_sessions (user_id, title)
      select (${sql.raw(`array[${others.map((o) => `'${o.id}'`).join(',')}]::uuid[]`)})[1 + g % 100], 'other ' || g
      from generate_series(0, 999) g`.execute(db)
    const started = performance.now()
    await sql`insert into public.chat_messages (session_id, user_id, role, content)
      select s.id, s.user_id, 'user', 'other message ' || g
      from generate_series(1, ${EXTRA_MESSAGES}) g
      join (select id, user_id, row_number() over (order by id) - 1 as k from public.chat_sessions where title like 'other %') s
        on s.k = g % 1000`.execute(db)
    loads.bulkMessagesMs = Math.round(performance.now() - started)
    await sql`reset session_replication_role`.execute(db)
    await sql`analyze public.chat_messages`.execute(db)
    await measureAll('after')
  } finally {
    await sdkDb.destroy()
  }
}

/** Part 3: PgBouncer in transaction mode against direct connections. */
async function pooler() {
  const users: Array<{ user: TestUser; sessionId: string }> = []
  for (let i = 0; i < Math.max(...POOLER_USERS); i++) {
    const user = await createTestUser(db)
    const [row] = (
      await sql<{
        id: string
      }>`insert into public.chat_sessions (user_id, title) values (${user.id}, 'pooler') returning id`.execute(db)
    ).rows
    await sql`insert into public.chat_messages (session_id, user_id, role, content)
      select ${row!.id}::uuid, ${user.id}::uuid, 'user', 'message ' || g from generate_series(1, 100) g`.execute(db)
    users.push({ user, sessionId: row!.id })
  }
  const serverPort = Number(new URL(native.url).port)
  const database = new URL(native.url).pathname.slice(1)
  const bouncer = await startPgBouncer(serverPort, 10, database)
  type Op = { name: string; call: (me: UserClient, sessionId: string, i: number) => Promise<unknown> }
  const ops: Op[] = [
    { name: 'chat.messages.history', call: (me, s) => me.chat.messages.history(s, { limit: 20 }) },
    {
      name: 'chat.messages.append',
      call: (me, s, i) => me.chat.messages.append(s, { role: 'user', content: `load ${i}` }),
    },
  ]
  const wirings = [
    { label: 'direct, SDK pool of 10', url: native.url, max: 10 },
    {
      label: 'PgBouncer transaction mode (10 server connections), SDK pool of 50',
      url: bouncer.urlFor(native.url),
      max: 50,
    },
  ]
  try {
    for (const n of POOLER_USERS) {
      for (const w of wirings) {
        log(`${w.label}: ${n} users`)
        const sdkDb = createPostgresDatabase({ connectionString: w.url, max: w.max })
        const sdk = createTripSage({ db: sdkDb })
        const clients = users.map((u) => sdk.forUser(u.user.claims))
        try {
          // Warm the pool (connections are opened on demand).
          await Promise.all(
            clients.slice(0, n).map((me, u) => me.chat.messages.history(users[u]!.sessionId, { limit: 1 })),
          )
          const load = loadNow()
          const run = await drive(n, ops, (op, u, i) => op.call(clients[u]!, users[u]!.sessionId, i), {
            seconds: POOLER_SECONDS,
          })
          const [{ connections } = { connections: 0 }] = (
            await sql<{ connections: number }>`select count(*)::int as connections from pg_stat_activity
              where datname = current_database() and backend_type = 'client backend'`.execute(db)
          ).rows
          poolerRows.push({
            case: `${n} users, ${w.label}`,
            p50Ms: run.p50,
            p95Ms: run.p95,
            'p99 ms': run.p99,
            QPS: run.qps,
            'server connections (incl. the bench’s own)': connections,
            load,
          })
        } finally {
          await sdkDb.destroy()
        }
      }
    }
  } finally {
    await bouncer.stop()
  }
}

/** `--parts=search,history,pooler` (default: all): a part left out keeps its table from the last result file. */
const parts = new Set((rest.find((a) => a.startsWith('--parts='))?.split('=')[1] ?? 'search,history,pooler').split(','))
const previous = (await readResults(resultsDirFor(quick))).find((r) => r.name === 'scaling')
const keep = (index: number) => previous?.tables[index]?.rows ?? []
try {
  if (parts.has('search')) await searchBySize()
  else searchRows.push(...keep(0))
  if (parts.has('history')) await historyBySize()
  else historyRows.push(...keep(1))
  if (parts.has('pooler')) await pooler()
  else poolerRows.push(...keep(2))
} finally {
  loads.end = loadNow()
  await session.close()
}

await writeResult({
  name: 'scaling',
  title: 'Scaling: search, chat history and a transaction pooler (native PostgreSQL)',
  mode: quick ? 'quick' : 'full',
  setup: `PostgreSQL 15 + pgvector 0.8.0 (native tier, started by the bench; default settings: shared_buffers 128 MB, fsync off), loopback. Search: one user with n memories among ${BACKGROUND.toLocaleString('en-US')} memories of ${BACKGROUND_USERS} other users, clustered synthetic 1536-dim vectors generated in SQL (the realistic set, decision 0017), the migration's HNSW index rebuilt after each load, ${QUERIES} queries; the SDK's own search statement (captured from memory.search) EXPLAIN ANALYZEd as the user (RLS), ef_search 100, iterative scans; exact = index scans off (the HNSW index is an index scan; the user's rows come by a bitmap scan), HNSW = sequential scans, bitmap scans and sorts off (the plan is checked); JIT off in the forced plans (their disabled-node penalty would trigger it). History: SDK history pages of 20 (pg pool, one user, interleaved). Pooler: PgBouncer (Debian) in transaction mode, default_pool_size 10, in front of the same server; half history pages, half appends, back to back for ${POOLER_SECONDS} s per row.`,
  tables: [
    {
      title: "memory.search's statement: execution time by path and memories per user",
      rows: searchRows,
      noChart: true,
      note: 'p50 / p95 of the server-side Execution Time (EXPLAIN ANALYZE, timing off). `est. cost` is the planner’s total cost estimate of each forced plan (what it compares when it picks); recall@10 is against the exact path.',
    },
    {
      title: 'chat history page (20 messages) by session size and table size',
      rows: historyRows,
      noChart: true,
      note: loads.bulkMessagesMs
        ? `End to end through the SDK (createPostgresDatabase, loopback). The bulk insert of ${EXTRA_MESSAGES.toLocaleString('en-US')} messages took ${loads.bulkMessagesMs} ms (triggers off).`
        : (previous?.tables[1]?.note ?? ''),
    },
    {
      title: 'a transaction pooler (PgBouncer, transaction mode) against direct connections',
      rows: poolerRows,
      noChart: true,
      note: 'Same server, same users, same calls; the pooler multiplexes 50 client connections onto 10 server connections, so the SDK pool can be as large as the app wants.',
    },
  ],
  checks,
  notes: [
    `load average (1 min): ${loadAtStart} at start, ${loads.end} at end; 2 cores shared with other sessions (the client runs on them too)`,
  ],
})
// Every connection and server is closed above; exit rather than wait on a stray handle.
process.exit(0)
