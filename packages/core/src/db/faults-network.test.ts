import { createTestDatabase } from '@tripsage/testing'
import { type Kysely, sql } from 'kysely'
import postgres from 'postgres'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTripSage } from '../client.js'
import { TripSageError } from '../errors.js'
import { createPostgresJsDatabase } from '../postgres-js.js'
import { closedPort, outcome, projectDriver, until, useFaultBench } from './faults.test-support.js'
import type { TripSageDatabase } from './schema.js'

const driver = projectDriver()

describe.runIf(driver)(`network faults on native PostgreSQL through ${driver?.name}`, () => {
  const bench = useFaultBench(() => createTestDatabase(), driver!)
  let db: Kysely<TripSageDatabase>
  beforeEach(() => {
    db = bench().open()
  })
  afterEach(async () => {
    bench().proxy.blackhole(false)
    bench().proxy.failAfterHandshake(0)
    bench().proxy.hideSessionState(false)
    await db.destroy()
  })

  it('maps a connection reset to unavailable', async () => {
    const me = createTripSage({ db }).forUser(await bench().newUser())
    const sleeping = outcome(me.transaction(async (tx) => sql`select pg_sleep(30)`.execute(tx.db)))
    await until(async () => {
      const { rows } = await bench().admin.query(
        `select 1 from pg_stat_activity
          where application_name = 'tripsage' and datname = current_database() and query like 'select pg_sleep%'`,
      )
      return rows.length > 0
    })
    bench().proxy.resetConnections()
    expect(await sleeping).toBe('unavailable')
    expect(await outcome(me.trips.list())).toBe('fulfilled')
  })

  it('maps a refused connection, an unknown role and a TLS refusal to unavailable', async () => {
    const closed = await closedPort()
    const urls = [
      `postgresql://postgres@127.0.0.1:${closed}/postgres`,
      bench().url.replace('postgres@', 'no_such_role@'),
      `${bench().url}?sslmode=require`,
    ]
    const user = await bench().newUser()
    await Promise.all(
      urls.map(async (url) => {
        const broken = driver!.open(url, { max: 1 })
        try {
          const me = createTripSage({ db: broken }).forUser(user)
          expect(await outcome(me.trips.list())).toBe('unavailable')
          expect(await outcome(me.transaction(async (tx) => tx.trips.list()))).toBe('unavailable')
        } finally {
          await broken.destroy()
        }
      }),
    )
  })

  // Each wiring's first query after the handshake is the one reset. On postgres.js that query is
  // its own array-type lookup or, with `target_session_attrs` behind a pooler that hides the
  // session state, its session-state query: failures it used to leave as unhandled rejections
  // (upstream #1192/#1223); `failOnEscapes` fails the test on any.
  const coldWirings = [
    { name: 'the documented wiring', open: () => db, hideSessionState: false, recovers: true, on: true },
    {
      name: 'postgres.js with target_session_attrs, behind a pooler',
      hideSessionState: true,
      // postgres.js 3.4 loses its waiting reservations for good after such a failure (every later
      // call ends at its deadline): why the guide says to leave the option unset. No escape, though.
      recovers: false,
      open: () =>
        createPostgresJsDatabase(
          postgres(bench().proxy.urlFor(bench().url), {
            max: 4,
            target_session_attrs: 'read-write',
            connect_timeout: 5,
            onnotice: () => undefined,
          }),
        ),
      on: driver?.name === 'postgres.js',
    },
  ]
  for (const wiring of coldWirings) {
    it.runIf(wiring.on)(`survives connections that die right after their handshake (${wiring.name})`, async () => {
      bench().proxy.hideSessionState(wiring.hideSessionState)
      const wired = wiring.open()
      try {
        const me = createTripSage({ db: wired, deadlineMs: 5_000 }).forUser(await bench().newUser())
        bench().proxy.failAfterHandshake(4)
        const outcomes = await Promise.all(Array.from({ length: 6 }, () => outcome(me.trips.list())))
        expect(outcomes.filter((o) => o !== 'fulfilled' && o !== 'unavailable')).toEqual([])
        expect(bench().proxy.handshakeFailures()).toBeGreaterThan(0)
        bench().proxy.failAfterHandshake(0)
        if (wiring.recovers) expect(await outcome(me.trips.list())).toBe('fulfilled')
      } finally {
        if (wired !== db) await wired.destroy()
      }
    })
  }

  it('ends a call on a black-holed network in unavailable at its deadline, and destroys its connection', async () => {
    const tripsage = createTripSage({ db, deadlineMs: 500 })
    const me = tripsage.forUser(await bench().newUser())
    await me.trips.list()
    bench().proxy.blackhole(true)
    const [error, tx] = await Promise.all([
      me.trips.list().catch((e: unknown) => e),
      // A transaction and a per-call override end the same way.
      me.transaction((t) => t.trips.list(), { deadlineMs: 300 }).catch((e: unknown) => e),
    ])
    expect(TripSageError.isInstance(error) && error.code).toBe('unavailable')
    expect((error as TripSageError).details).toEqual({ reason: 'deadline' })
    expect((tx as TripSageError).details).toEqual({ reason: 'deadline' })
    bench().proxy.blackhole(false)
    // The connections that timed out were destroyed, not returned to the pool.
    await until(() => bench().proxy.openConnections() <= 1)
    const recovered = tripsage.forUser({ sub: me.userId, role: 'authenticated' }, { deadlineMs: 15_000 })
    expect(await outcome(recovered.trips.list())).toBe('fulfilled')
  })

  it('cancels a call when its signal aborts, and sets the server-side limits transaction-locally', async () => {
    const controller = new AbortController()
    const me = createTripSage({ db, deadlineMs: 60_000 }).forUser(await bench().newUser(), {
      signal: controller.signal,
    })
    const limits = await me.transaction(async (tx) => {
      const { rows } = await sql<{ statement: string; idle: string }>`
        select current_setting('statement_timeout') as statement,
          current_setting('idle_in_transaction_session_timeout') as idle`.execute(tx.db)
      return rows[0]
    })
    expect(limits?.statement).toMatch(/^(59|60)(\d{3}ms|s)$|^1min$/)
    expect(limits?.idle).toBe(limits?.statement)
    const sleeping = me.transaction(async (tx) => sql`select pg_sleep(30)`.execute(tx.db)).catch((e: unknown) => e)
    await until(async () => {
      const { rows } = await bench().admin.query(
        `select 1 from pg_stat_activity
          where application_name = 'tripsage' and datname = current_database() and query like 'select pg_sleep%'`,
      )
      return rows.length > 0
    })
    controller.abort()
    expect(((await sleeping) as TripSageError).details).toEqual({ reason: 'aborted' })
  })

  it('lets the server end a statement that outlives its deadline (statement_timeout)', async () => {
    const me = createTripSage({ db, deadlineMs: 0 }).forUser(await bench().newUser())
    const error = await me.scope
      .run((trx) => sql`select pg_sleep(30)`.execute(trx), { settings: { statement_timeout: '300' } })
      .catch((e: unknown) => e)
    expect((error as { code?: string }).code).toBe('57014')
  })
})
