import { createTestDatabase } from '@tripsage/testing'
import { type Kysely, sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTripSage } from '../client.js'
import { outcome, projectDriver, tripInput, until, useFaultBench } from './faults.test-support.js'
import type { TripSageDatabase } from './schema.js'

const driver = projectDriver()

describe.runIf(driver)(`backends terminated on native PostgreSQL through ${driver?.name}`, () => {
  const bench = useFaultBench(() => createTestDatabase(), driver!)
  let db: Kysely<TripSageDatabase>
  beforeEach(() => {
    db = bench().open()
  })
  afterEach(() => db.destroy())

  it('survives a backend terminated while idle in the pool', async () => {
    const me = createTripSage({ db, deadlineMs: 3_000 }).forUser(await bench().newUser())
    await me.trips.create(tripInput)
    expect(await bench().terminateAppBackends()).toBeGreaterThan(0)
    await until(async () => Object.keys(await bench().appBackends()).length === 0)
    // The pool dropped the dead connection (or the driver reconnects): calls keep working.
    const results = [await outcome(me.trips.list()), await outcome(me.trips.list())]
    expect(results.every((r) => r === 'fulfilled' || r === 'unavailable')).toBe(true)
    expect(results.at(-1)).toBe('fulfilled')
  })

  it('maps a backend terminated mid-scope to unavailable, in transaction() too', async () => {
    const me = createTripSage({ db }).forUser(await bench().newUser())
    const trip = await me.trips.create(tripInput)
    const result = await outcome(
      me.transaction(async (tx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx.db)
        await bench().admin.query('select pg_terminate_backend($1)', [rows[0]?.pid])
        await tx.trips.get(trip.id)
      }),
    )
    expect(result).toBe('unavailable')
    expect(await outcome(me.trips.get(trip.id))).toBe('fulfilled')
  })

  it('maps a backend terminated mid-statement to unavailable', async () => {
    const me = createTripSage({ db }).forUser(await bench().newUser())
    const sleeping = outcome(me.transaction(async (tx) => sql`select pg_sleep(30)`.execute(tx.db)))
    await until(async () => {
      const { rows } = await bench().admin.query(
        `select pg_terminate_backend(pid) as done from pg_stat_activity
          where application_name = 'tripsage' and datname = current_database() and query like 'select pg_sleep%'`,
      )
      return rows.length > 0
    })
    expect(await sleeping).toBe('unavailable')
    expect(await outcome(me.trips.list())).toBe('fulfilled')
  })
})
