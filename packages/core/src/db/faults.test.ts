import { randomUUID } from 'node:crypto'
import { createServer } from 'node:net'
import { type Kysely, sql } from 'kysely'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTripSage } from '../client.js'
import { TripSageError } from '../errors.js'
import { type FaultProxy, startFaultProxy } from './fault-proxy.test-support.js'
import { type NativeDatabase, startNativeDatabase, testDrivers } from './native.test-support.js'
import type { TripSageDatabase } from './schema.js'

let native: NativeDatabase
let proxy: FaultProxy

/** Every uncaught exception and unhandled rejection of the process while these tests run. */
const escaped: string[] = []
const onUncaught = (error: unknown) => {
  escaped.push(`uncaught exception: ${(error as Error)?.stack ?? String(error)}`)
}
const onUnhandled = (error: unknown) => {
  escaped.push(`unhandled rejection: ${(error as Error)?.stack ?? String(error)}`)
}

beforeAll(async () => {
  native = await startNativeDatabase()
  proxy = await startFaultProxy(native.server.port, 0)
  process.on('uncaughtException', onUncaught)
  process.on('unhandledRejection', onUnhandled)
}, 180_000)
afterAll(async () => {
  process.off('uncaughtException', onUncaught)
  process.off('unhandledRejection', onUnhandled)
  await proxy?.close()
  await native?.stop()
})

const tripInput = { name: 'Lisbon', destination: 'Lisbon', startDate: '2026-06-01', endDate: '2026-06-07' }

async function newUser(): Promise<{ sub: string; role: 'authenticated' }> {
  const id = randomUUID()
  await native.admin.query('insert into auth.users (id, email) values ($1, $2)', [id, `${id}@example.test`])
  return { sub: id, role: 'authenticated' }
}

/** The code of a rejection (`fulfilled` when it did not reject); anything else than a TripSageError is `raw`. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'fulfilled'
  } catch (error) {
    return TripSageError.isInstance(error) ? error.code : `raw: ${(error as Error)?.message}`
  }
}

/** Ends every backend of the SDK's pools (application_name `tripsage`), as a pooler or restart would. */
async function terminateAppBackends(): Promise<number> {
  const { rows } = await native.admin.query(
    `select count(*) filter (where pg_terminate_backend(pid))::int as n from pg_stat_activity where application_name = 'tripsage'`,
  )
  return rows[0].n
}

/** Backends of the SDK's pools, by state. */
async function appBackends(): Promise<Record<string, number>> {
  const { rows } = await native.admin.query(
    `select coalesce(state, 'unknown') as state, count(*)::int as n from pg_stat_activity where application_name = 'tripsage' group by 1`,
  )
  return Object.fromEntries(rows.map((r) => [r.state, r.n]))
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  return typeof address === 'object' && address ? address.port : 1
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error('condition never held')
}

describe.each(testDrivers)('faults on native PostgreSQL through $name', (driver) => {
  let db: Kysely<TripSageDatabase>
  beforeEach(() => {
    escaped.length = 0
    db = driver.open(proxy.urlFor(native.server.url), { max: 4 })
  })
  afterEach(async () => {
    proxy.blackhole(false)
    proxy.refuse(false)
    await db.destroy()
    // postgres.js 3.4 rejects promises of its own that nobody holds when a connection fails at the
    // wrong moment (the array-type fetch it runs on every new connection; fetch_types: false would
    // avoid it, but then reserve() never resolves in 3.4.10). Their stacks hold no SDK frame (the
    // SDK awaits or settles every promise it creates): counted and reported, never hidden for pg.
    const upstream = escaped.filter(
      (e) => driver.name === 'postgres.js' && e.startsWith('unhandled rejection') && !e.includes('/packages/core/src/'),
    )
    if (upstream.length > 0) console.info(`postgres.js upstream unhandled rejections: ${upstream.length}`)
    expect(escaped.filter((e) => !upstream.includes(e))).toEqual([])
  })

  it('survives a backend terminated while idle in the pool', async () => {
    const me = createTripSage({ db, deadlineMs: 3_000 }).forUser(await newUser())
    await me.trips.create(tripInput)
    expect(await terminateAppBackends()).toBeGreaterThan(0)
    await until(async () => Object.keys(await appBackends()).length === 0)
    // The pool dropped the dead connection (or the driver reconnects): calls keep working.
    const results = [await outcome(me.trips.list()), await outcome(me.trips.list())]
    expect(results.every((r) => r === 'fulfilled' || r === 'unavailable')).toBe(true)
    expect(results.at(-1)).toBe('fulfilled')
  })

  it('maps a backend terminated mid-scope to unavailable, in transaction() too', async () => {
    const me = createTripSage({ db }).forUser(await newUser())
    const trip = await me.trips.create(tripInput)
    const result = await outcome(
      me.transaction(async (tx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx.db)
        await native.admin.query('select pg_terminate_backend($1)', [rows[0]?.pid])
        await tx.trips.get(trip.id)
      }),
    )
    expect(result).toBe('unavailable')
    expect(await outcome(me.trips.get(trip.id))).toBe('fulfilled')
  })

  it('maps a backend terminated mid-statement to unavailable', async () => {
    const me = createTripSage({ db }).forUser(await newUser())
    const sleeping = outcome(me.transaction(async (tx) => sql`select pg_sleep(30)`.execute(tx.db)))
    await until(async () => {
      const { rows } = await native.admin.query(
        `select pg_terminate_backend(pid) as done from pg_stat_activity where application_name = 'tripsage' and query like 'select pg_sleep%'`,
      )
      return rows.length > 0
    })
    expect(await sleeping).toBe('unavailable')
  })

  it('maps a connection reset to unavailable', async () => {
    const me = createTripSage({ db }).forUser(await newUser())
    const sleeping = outcome(me.transaction(async (tx) => sql`select pg_sleep(30)`.execute(tx.db)))
    await until(async () => {
      const { rows } = await native.admin.query(
        `select 1 from pg_stat_activity where application_name = 'tripsage' and query like 'select pg_sleep%'`,
      )
      return rows.length > 0
    })
    proxy.resetConnections()
    expect(await sleeping).toBe('unavailable')
    expect(await outcome(me.trips.list())).toBe('fulfilled')
  })

  it('maps a refused connection, an unknown role and a TLS refusal to unavailable', async () => {
    const closed = await closedPort()
    const urls = [
      `postgresql://postgres@127.0.0.1:${closed}/postgres`,
      native.server.url.replace('postgres@', 'no_such_role@'),
      `${native.server.url}?sslmode=require`,
    ]
    for (const url of urls) {
      const broken = driver.open(url, { max: 1 })
      try {
        const tripsage = createTripSage({ db: broken })
        const me = tripsage.forUser(await newUser())
        expect(await outcome(me.trips.list())).toBe('unavailable')
        expect(await outcome(me.transaction(async (tx) => tx.trips.list()))).toBe('unavailable')
      } finally {
        await broken.destroy()
      }
    }
  })

  it('ends a call on a black-holed network in unavailable at its deadline, and destroys its connection', async () => {
    const tripsage = createTripSage({ db, deadlineMs: 1_000 })
    const me = tripsage.forUser(await newUser())
    await me.trips.list()
    proxy.blackhole(true)
    const error = await me.trips.list().catch((e: unknown) => e)
    expect(TripSageError.isInstance(error) && error.code).toBe('unavailable')
    expect((error as TripSageError).details).toEqual({ reason: 'deadline' })
    // A transaction and a per-call override end the same way.
    const tx = await me.transaction((t) => t.trips.list(), { deadlineMs: 500 }).catch((e: unknown) => e)
    expect((tx as TripSageError).details).toEqual({ reason: 'deadline' })
    proxy.blackhole(false)
    // The connections that timed out were destroyed, not returned to the pool.
    await until(async () => proxy.openConnections() <= 1)
    // Recovery may wait out the driver's reconnect backoff (postgres.js), hence a longer budget.
    const recovered = tripsage.forUser({ sub: me.userId, role: 'authenticated' }, { deadlineMs: 15_000 })
    expect(await outcome(recovered.trips.list())).toBe('fulfilled')
  })

  it('cancels a call when its signal aborts, and sets the server-side limits transaction-locally', async () => {
    const controller = new AbortController()
    const me = createTripSage({ db, deadlineMs: 60_000 }).forUser(await newUser(), { signal: controller.signal })
    const limits = await me.transaction(async (tx) => {
      const { rows } = await sql<{ statement: string; idle: string }>`
        select current_setting('statement_timeout') as statement,
          current_setting('idle_in_transaction_session_timeout') as idle`.execute(tx.db)
      return rows[0]
    })
    expect(limits?.statement).toMatch(/^(59|60)(\d{3}ms|s)$|^1min$/)
    expect(limits?.idle).toBe(limits?.statement)
    const sleeping = me.transaction(async (tx) => sql`select pg_sleep(30)`.execute(tx.db)).catch((e: unknown) => e)
    setTimeout(() => controller.abort(), 200)
    expect(((await sleeping) as TripSageError).details).toEqual({ reason: 'aborted' })
  })

  it('lets the server end a statement that outlives its deadline (statement_timeout)', async () => {
    const me = createTripSage({ db, deadlineMs: 0 }).forUser(await newUser())
    const error = await me.scope
      .run((trx) => sql`select pg_sleep(30)`.execute(trx), { settings: { statement_timeout: '300' } })
      .catch((e: unknown) => e)
    expect((error as { code?: string }).code).toBe('57014')
  })

  it('survives a server restart under load (8 writers): every failure unavailable, every call settles', async () => {
    const tripsage = createTripSage({ db, deadlineMs: 5_000 })
    const users = await Promise.all(Array.from({ length: 8 }, () => newUser()))
    let stop = false
    const writers = users.map(async (user) => {
      const me = tripsage.forUser(user)
      const outcomes: string[] = []
      while (!stop) outcomes.push(await outcome(me.trips.create(tripInput)))
      return outcomes
    })
    await new Promise((r) => setTimeout(r, 300))
    // The server goes away: every backend ends (57P01) and connections are refused while it is down.
    proxy.refuse(true)
    proxy.resetConnections()
    await terminateAppBackends()
    await new Promise((r) => setTimeout(r, 500))
    proxy.refuse(false)
    await new Promise((r) => setTimeout(r, 500))
    stop = true
    const all = (await Promise.all(writers)).flat()
    expect(all.filter((o) => o !== 'fulfilled' && o !== 'unavailable')).toEqual([])
    expect(all.filter((o) => o === 'unavailable').length).toBeGreaterThan(0)
    const recovered = await outcome(tripsage.forUser(users[0]!, { deadlineMs: 15_000 }).trips.create(tripInput))
    if (driver.name === 'pg') expect(recovered).toBe('fulfilled')
    // postgres.js 3.4 can lose reservations while connections reconnect, and its pool may not
    // recover within the budget (decision 0007): reported, not asserted.
    else console.info(`postgres.js after the restart: ${recovered}`)
  })

  it('after 1,000 calls with faults mixed in, holds no leaked or idle-in-transaction connection', async () => {
    const tripsage = createTripSage({ db, deadlineMs: 2_000 })
    const users = await Promise.all(Array.from({ length: 8 }, () => newUser()))
    const trip = await tripsage.forUser(users[0]!).trips.create(tripInput)
    const outcomes: string[] = []
    let next = 0
    const workers = users.map(async (user) => {
      const me = tripsage.forUser(user)
      while (next < 1_000) {
        const i = next++
        if (i % 100 === 50) await terminateAppBackends()
        if (i % 100 === 0) proxy.resetConnections()
        const call =
          i % 3 === 0
            ? me.trips.create(tripInput)
            : i % 3 === 1
              ? me.trips.list({ limit: 5 })
              : me.transaction(async (tx) => {
                  await tx.trips.list({ limit: 1 })
                  return tx.trips.find(trip.id)
                })
        outcomes.push(await outcome(call))
      }
    })
    await Promise.all(workers)
    expect(outcomes).toHaveLength(1_000)
    expect(outcomes.filter((o) => o !== 'fulfilled' && o !== 'unavailable')).toEqual([])
    const counts = { fulfilled: 0, unavailable: 0 }
    for (const o of outcomes) counts[o as keyof typeof counts]++
    console.info(`1,000 calls with faults through ${driver.name}:`, JSON.stringify(counts))
    // Settled: nothing left in a transaction, no more connections than the pool's size.
    const backends = await appBackends()
    expect(backends['idle in transaction'] ?? 0).toBe(0)
    expect(backends.active ?? 0).toBe(0)
    expect(Object.values(backends).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4)
    const recovered = tripsage.forUser(users[1]!, { deadlineMs: 15_000 })
    expect(await outcome(recovered.trips.list())).toBe('fulfilled')
  }, 400_000)
})
