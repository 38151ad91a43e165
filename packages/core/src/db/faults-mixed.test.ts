import { createTestDatabase } from '@tripsage/testing'
import { describe, expect, it } from 'vitest'
import { createTripSage } from '../client.js'
import { outcome, projectDriver, tally, tripInput, useFaultBench } from './faults.test-support.js'

const driver = projectDriver()

describe.runIf(driver)(`faults mixed into a workload on native PostgreSQL through ${driver?.name}`, () => {
  const bench = useFaultBench(() => createTestDatabase(), driver!)

  it('after 1,000 calls with faults mixed in, holds no leaked or idle-in-transaction connection', async () => {
    const tripsage = createTripSage({ db: bench().open({ max: 4 }), deadlineMs: 2_000 })
    const users = await Promise.all(Array.from({ length: 8 }, () => bench().newUser()))
    const trip = await tripsage.forUser(users[0]!).trips.create(tripInput)
    const outcomes: string[] = []
    let next = 0
    // 8 workers share 1,000 calls: writes, reads and two-statement transactions. Every 50 calls a
    // fault: the server ends every backend of the pool, or the network resets every connection.
    const workers = users.map(async (user) => {
      const me = tripsage.forUser(user)
      while (next < 1_000) {
        const i = next++
        if (i % 100 === 50) await bench().terminateAppBackends()
        if (i % 100 === 0) bench().proxy.resetConnections()
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
    console.info(`1,000 calls with faults through ${driver?.name}:`, JSON.stringify(tally(outcomes)))
    // Settled: nothing left in a transaction or running, no more connections than the pool's size.
    const backends = await bench().appBackends()
    expect(backends['idle in transaction'] ?? 0).toBe(0)
    expect(backends.active ?? 0).toBe(0)
    expect(Object.values(backends).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4)
    const recovered = tripsage.forUser(users[1]!, { deadlineMs: 15_000 })
    expect(await outcome(recovered.trips.list())).toBe('fulfilled')
  }, 120_000)
})
