/**
 * The host-runtime matrix: the same app (`src/app.ts`), installed as a user installs the SDK
 * (exports maps → freshly built `dist/`), served by Node, Bun, Deno (as a Supabase Edge
 * Function) and workerd (Cloudflare Workers, through Miniflare), each against one native
 * PostgreSQL 15 + pgvector database cloned from the native tier's template (platform stand-ins,
 * migrations pushed by the Supabase CLI). Every host runs a user-scoped write and read under RLS,
 * a refused write, and a QStash job delivery signed with real keys and verified by the real
 * `Receiver`.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { signQstashRequest } from '@tripsage/jobs'
import {
  configureTestDatabases,
  createTestDatabase,
  createTestUser,
  pgPoolConnector,
  type TestDatabase,
  type TestUser,
} from '@tripsage/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { assembleConsumer, type Consumer } from './consumer.js'
import {
  bundleWorker,
  type HostEnvironment,
  hostCommands,
  type RunningHost,
  spawnHost,
  startWorker,
  type WorkerBundle,
} from './hosts.js'

const run = promisify(execFile)
const deno = hostCommands.deno()[0]!
const signingKeys = {
  currentSigningKey: 'sig_runtime_current_0123456789',
  nextSigningKey: 'sig_runtime_next_0123456789',
}
const jobUrl = 'https://jobs.example.test/jobs/memory-sync'

let work: string
let database: TestDatabase
let url: string
let consumer: Consumer
let workerBundle: WorkerBundle
const admin = () => database.db

// A clone of the native tier's template (platform stand-ins + migrations by `supabase db push`).
configureTestDatabases({ templateUrl: inject('tripsageNativeTemplateUrl'), connector: pgPoolConnector(pg.Pool) })

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tripsage-runtimes-'))
  ;[database, consumer] = await Promise.all([createTestDatabase(), assembleConsumer(work)])
  url = database.url ?? ''
  workerBundle = await bundleWorker(consumer.app)
}, 600_000)

afterAll(async () => {
  await database?.close()
  if (work) await rm(work, { recursive: true, force: true })
})

it('the Worker bundle reaches no node: module from the SDK, and connects through cloudflare:sockets', () => {
  expect(workerBundle.sdkNodeImports).toEqual([])
  expect(workerBundle.runtimeImports).toContain('cloudflare:sockets')
})

// The quickstart as a Deno user runs it: `deno run` on the example's own files, no
// `--sloppy-imports`, the packages through their exports maps (here on this server through pg, so
// the run takes seconds; the embedded PGlite path is the same code under `pnpm demo`).
it('the quickstart runs on Deno without sloppy imports', async () => {
  const { stdout } = await run(deno, ['run', '--allow-all', 'src/main.ts'], {
    cwd: consumer.quickstart,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', TRIPSAGE_DATABASE_URL: url },
    maxBuffer: 4 << 20,
  })
  for (const line of [
    'database: Postgres at TRIPSAGE_DATABASE_URL',
    'bob looks for the trip before he is invited: not_found',
    'bob (viewer) renames the trip: forbidden',
    'relayed 1 job; delivery answered 200',
    'memories written by the job: 3 for the session',
    'a signed URL valid for 5 minutes served 27 bytes (application/pdf)',
    'vault health: ok',
  ])
    expect(stdout).toContain(line)
}, 600_000)

type HostCase = {
  host: string
  driver: HostEnvironment['TRIPSAGE_DRIVER']
  start: (env: HostEnvironment) => Promise<RunningHost>
}
const hosts: HostCase[] = [
  { host: 'node', driver: 'pg', start: (env) => spawnHost(hostCommands.node(), consumer.app, env) },
  { host: 'node', driver: 'postgres.js', start: (env) => spawnHost(hostCommands.node(), consumer.app, env) },
  { host: 'bun', driver: 'pg', start: (env) => spawnHost(hostCommands.bun(), consumer.app, env) },
  { host: 'bun', driver: 'postgres.js', start: (env) => spawnHost(hostCommands.bun(), consumer.app, env) },
  { host: 'bun', driver: 'bun:sql', start: (env) => spawnHost(hostCommands.bun(), consumer.app, env) },
  { host: 'deno', driver: 'postgres.js', start: (env) => spawnHost(hostCommands.deno(), consumer.app, env) },
  { host: 'workerd', driver: 'postgres.js', start: (env) => startWorker(workerBundle, env) },
]

describe.each(hosts)('$host with $driver', ({ host, driver, start }) => {
  let running: RunningHost
  let alice: TestUser
  let bob: TestUser
  const as = (user: TestUser, init: RequestInit = {}) => ({
    ...init,
    headers: { 'content-type': 'application/json', 'x-user-id': user.id, ...init.headers },
  })

  beforeAll(async () => {
    alice = await createTestUser(admin())
    bob = await createTestUser(admin())
    running = await start({
      TRIPSAGE_DATABASE_URL: url,
      TRIPSAGE_DRIVER: driver,
      TRIPSAGE_JOB_URL: jobUrl,
      QSTASH_CURRENT_SIGNING_KEY: signingKeys.currentSigningKey,
      QSTASH_NEXT_SIGNING_KEY: signingKeys.nextSigningKey,
    })
  }, 600_000)

  afterAll(async () => {
    await running?.stop()
  })

  it('answers from the host it names', async () => {
    const res = await running.fetch('/')
    expect(((await res.json()) as { host: string }).host).toContain(host === 'workerd' ? 'workerd' : `${host} `)
  })

  it('writes and reads as the user, under RLS', async () => {
    const created = await running.fetch(
      '/trips',
      as(alice, {
        method: 'POST',
        body: JSON.stringify({
          name: `${host} ${driver}`,
          destination: 'Lisbon',
          startDate: '2027-04-10',
          endDate: '2027-04-17',
          budget: 1200,
          travelers: 2,
        }),
      }),
    )
    const body = (await created.json()) as { trip: { id: string; name: string }; listed: string[] }
    expect(created.status, JSON.stringify(body)).toBe(201)
    expect(body.listed).toContain(body.trip.id)
    const row = await admin()
      .selectFrom('trips')
      .select(['user_id', 'name'])
      .where('id', '=', body.trip.id)
      .executeTakeFirst()
    expect(row).toEqual({ user_id: alice.id, name: `${host} ${driver}` })

    const mine = await running.fetch(`/trips/${body.trip.id}`, as(alice))
    expect(mine.status).toBe(200)
    expect(((await mine.json()) as { name: string }).name).toBe(`${host} ${driver}`)
    const theirs = await running.fetch(`/trips/${body.trip.id}`, as(bob))
    expect(theirs.status).toBe(404)
    expect(((await theirs.json()) as { error: { code: string } }).error.code).toBe('not_found')
  })

  it('refuses bad input with validation and writes nothing', async () => {
    const name = `backwards ${host} ${driver}`
    const res = await running.fetch(
      '/trips',
      as(alice, {
        method: 'POST',
        body: JSON.stringify({ name, destination: 'Porto', startDate: '2027-05-02', endDate: '2027-05-01' }),
      }),
    )
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('validation')
    expect(await admin().selectFrom('trips').select('id').where('name', '=', name).execute()).toEqual([])
  })

  it('runs a signed memory-sync job: the real Receiver verifies it, the memories land as the user', async () => {
    const trip = (await (
      await running.fetch(
        '/trips',
        as(alice, {
          method: 'POST',
          body: JSON.stringify({
            name: 'job trip',
            destination: 'Porto',
            startDate: '2027-06-01',
            endDate: '2027-06-03',
          }),
        }),
      )
    ).json()) as { trip: { id: string } }
    const chat = await running.fetch(
      '/chat',
      as(alice, {
        method: 'POST',
        body: JSON.stringify({ tripId: trip.trip.id, messages: ['I prefer aisle seats.', 'We land at 9 in Porto.'] }),
      }),
    )
    expect(chat.status).toBe(201)
    const { session, messages } = (await chat.json()) as {
      session: { id: string }
      messages: { id: string; role: string; content: string; createdAt: string }[]
    }
    const body = JSON.stringify({
      userId: alice.id,
      sessionId: session.id,
      messageIds: messages.map((m) => m.id),
    })
    const deliver = async (signature: string) =>
      running.fetch('/jobs/memory-sync', {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'upstash-signature': signature,
          'upstash-message-id': `msg_${host}_${driver}`,
          'upstash-retried': '0',
        },
      })

    const forged = await deliver(
      await signQstashRequest({ signingKey: 'sig_not_the_key_0123456789', url: jobUrl, body }),
    )
    expect(forged.status).toBe(401)
    const delivered = await deliver(
      await signQstashRequest({ signingKey: signingKeys.nextSigningKey, url: jobUrl, body }),
    )
    const result = (await delivered.json()) as { ok: boolean; result: { synced: number } }
    expect(delivered.status, JSON.stringify(result)).toBe(200)
    expect(result).toMatchObject({ ok: true, result: { synced: 2 } })

    const memories = await running.fetch(`/memories?sessionId=${session.id}`, as(alice))
    const listed = (await memories.json()) as { memories: { content: string }[] }
    expect(listed.memories.map((m) => m.content).sort()).toEqual(['I prefer aisle seats.', 'We land at 9 in Porto.'])
    const others = (await (await running.fetch(`/memories?sessionId=${session.id}`, as(bob))).json()) as {
      memories: unknown[]
    }
    expect(others.memories).toEqual([])
  })
})
