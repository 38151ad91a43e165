import { createTestDatabase } from '@tripsage/testing'
import { describe, expect, it } from 'vitest'
import { createTripSage } from '../client.js'
import { TripSageError } from '../errors.js'
import { createPostgresDatabase } from '../pg.js'
import { outcome, projectDriver, tripInput, until, useFaultBench } from './faults.test-support.js'

const driver = projectDriver()

describe.runIf(driver)(`pool exhaustion on native PostgreSQL through ${driver?.name}`, () => {
  const bench = useFaultBench(() => createTestDatabase(), driver!)

  /** Holds every connection of `max` in open transactions until `release()`; resolves once all are held. */
  async function holdAll(tripsage: ReturnType<typeof createTripSage>, max: number) {
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    let held = 0
    const holders = Array.from({ length: max }, async () =>
      outcome(
        tripsage.forUser(await bench().newUser(), { deadlineMs: 60_000 }).transaction(async (tx) => {
          await tx.trips.create(tripInput)
          held++
          await gate
        }),
      ),
    )
    await until(() => held === max)
    return { release, holders: Promise.all(holders) }
  }

  it('fails a call that cannot get a connection with unavailable at its deadline, then recovers', async () => {
    const db = bench().open({ max: 2 })
    const tripsage = createTripSage({ db, deadlineMs: 60_000 })
    const { release, holders } = await holdAll(tripsage, 2)
    const me = tripsage.forUser(await bench().newUser())
    const waiting = await Promise.all([
      tripsage
        .forUser({ sub: me.userId, role: 'authenticated' }, { deadlineMs: 300 })
        .trips.list()
        .catch((e: unknown) => e),
      me.transaction((tx) => tx.trips.list(), { deadlineMs: 300 }).catch((e: unknown) => e),
    ])
    for (const error of waiting) {
      expect(TripSageError.isInstance(error) && error.code).toBe('unavailable')
      expect((error as TripSageError).details).toEqual({ reason: 'deadline' })
    }
    // Every connection is still held: the timed-out checkouts took none, and wrote nothing.
    expect(await bench().appBackends()).toEqual({ 'idle in transaction': 2 })
    release()
    expect(await holders).toEqual(['fulfilled', 'fulfilled'])
    // The pool recovers: calls succeed, and late checkouts went back (or were ended), none leaked.
    const after = await Promise.all(Array.from({ length: 4 }, () => outcome(me.trips.create(tripInput))))
    expect(after).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'])
    await until(async () => {
      const backends = await bench().appBackends()
      return (backends['idle in transaction'] ?? 0) === 0 && (backends.active ?? 0) === 0
    })
    const backends = await bench().appBackends()
    expect(Object.values(backends).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2)
  })

  it.runIf(driver?.name === 'pg')(
    "maps pg's own checkout timeout (connectionTimeoutMillis) to unavailable",
    async () => {
      const db = createPostgresDatabase({
        connectionString: bench().proxy.urlFor(bench().url),
        max: 1,
        connectionTimeoutMillis: 200,
      })
      try {
        const tripsage = createTripSage({ db, deadlineMs: 60_000 })
        const { release, holders } = await holdAll(tripsage, 1)
        const error = await tripsage
          .forUser(await bench().newUser())
          .trips.list()
          .catch((e: unknown) => e)
        expect(TripSageError.isInstance(error) && error.code).toBe('unavailable')
        // pg's own timeout ("timeout exceeded when trying to connect"), not the SDK's deadline.
        expect((error as TripSageError).details).toBeUndefined()
        release()
        expect(await holders).toEqual(['fulfilled'])
        expect(await outcome(tripsage.forUser(await bench().newUser()).trips.list())).toBe('fulfilled')
      } finally {
        await db.destroy()
      }
    },
  )
})
