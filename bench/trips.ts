/**
 * Trips benchmark: the SDK call against the same SQL run raw on the same embedded database.
 *
 *   node --conditions=@tripsage/source --import tsx bench/trips.ts [iterations]
 *
 * For each operation the SDK's statements are captured once (Kysely's `log`), then both sides run
 * `iterations` times, alternating: the SDK call, and a raw transaction that sends the same scope
 * statement and the same SQL with the same parameters. Reported: p50/p95 in ms and the p50 ratio
 * (SDK / raw), i.e. what parsing, mapping and the repository add on top of the database work.
 */
import { createTripSage } from '@tripsage/core'
import { createEmbeddedTestDatabase, createTestUser } from '@tripsage/testing'
import { type CompiledQuery, Kysely, PGliteDialect } from 'kysely'

const iterations = Number(process.argv[2] ?? 300)

const database = await createEmbeddedTestDatabase()
const statements: CompiledQuery[] = []
const logged = new Kysely<any>({
  dialect: new PGliteDialect({ pglite: database.pglite }),
  log: (event) => {
    statements.push(event.query)
  },
})

// A user with 200 trips; one of them with a realistic set of items and collaborators.
const owner = await createTestUser(database.db)
// `capture` records the SQL; `me` (no logger) is what gets timed.
const capture = createTripSage({ db: logged }).forUser(owner.claims)
const me = createTripSage({ db: database.db }).forUser(owner.claims)
let tripId = ''
for (let i = 0; i < 200; i++) {
  const day = String((i % 28) + 1).padStart(2, '0')
  const trip = await me.trips.create({
    name: `Trip ${i}`,
    destination: i % 2 ? 'Lisbon, Portugal' : 'Kyoto, Japan',
    startDate: `2026-06-${day}`,
    endDate: `2026-07-${day}`,
  })
  tripId ||= trip.id
}
for (let i = 0; i < 20; i++) {
  await me.flights.add(tripId, { origin: 'LHR', destination: 'LIS', departureDate: '2026-06-01', price: 100 + i })
  await me.transportation.add(tripId, { kind: 'train', departureTime: `2026-06-0${(i % 9) + 1}T10:00:00Z` })
}
for (let i = 0; i < 10; i++) {
  await me.accommodations.add(tripId, {
    name: `Stay ${i}`,
    checkInDate: '2026-06-01',
    checkOutDate: '2026-06-03',
    pricePerNight: 90,
    totalPrice: 180,
  })
}
for (let i = 0; i < 50; i++) await me.itinerary.add(tripId, { title: `Item ${i}`, day: '2026-06-02', position: i })
for (let i = 0; i < 5; i++) {
  const friend = await createTestUser(database.db)
  await me.trips.collaborators.add(tripId, { userId: friend.id, role: 'viewer' })
}

const operations: [name: string, run: (client: typeof me) => Promise<unknown>][] = [
  [
    'trips.get with every relation',
    (client) =>
      client.trips.get(tripId, {
        include: ['flights', 'accommodations', 'transportation', 'itinerary', 'collaborators'],
      }),
  ],
  ['trips.list page of 20', (client) => client.trips.list({ sortBy: 'startDate', limit: 20 })],
]

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

const results = []
for (const [name, run] of operations) {
  statements.length = 0
  await run(capture)
  // The SQL the SDK sent, minus the transaction bracket Kysely adds around it.
  const sqls = statements.filter((s) => !/^\s*(begin|commit|rollback)\b/i.test(s.sql))
  const raw = () =>
    database.db.transaction().execute(async (trx) => {
      for (const statement of sqls) await trx.executeQuery(statement)
    })

  const sdkMs: number[] = []
  const rawMs: number[] = []
  for (let i = 0; i < 20; i++) {
    await run(me)
    await raw()
  }
  for (let i = 0; i < iterations; i++) {
    let started = performance.now()
    await run(me)
    sdkMs.push(performance.now() - started)
    started = performance.now()
    await raw()
    rawMs.push(performance.now() - started)
  }
  results.push({
    operation: name,
    statements: sqls.length,
    'sdk p50 ms': percentile(sdkMs, 50).toFixed(3),
    'sdk p95 ms': percentile(sdkMs, 95).toFixed(3),
    'raw p50 ms': percentile(rawMs, 50).toFixed(3),
    'raw p95 ms': percentile(rawMs, 95).toFixed(3),
    'ratio p50': (percentile(sdkMs, 50) / percentile(rawMs, 50)).toFixed(2),
  })
}

console.table(results)
await logged.destroy().catch(() => undefined)
await database.close()
