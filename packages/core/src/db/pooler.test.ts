import { randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage } from '../client.js'
import { localEmbedder } from '../embeddings/local-embedder.js'
import { TripSageError } from '../errors.js'
import { type NativeDatabase, startNativeDatabase, testDrivers } from './native.test-support.js'
import { type PgBouncer, startPgBouncer } from './pgbouncer.test-support.js'
import type { TripSageDatabase } from './schema.js'

let native: NativeDatabase
let bouncer: PgBouncer
beforeAll(async () => {
  native = await startNativeDatabase()
  bouncer = await startPgBouncer(native.server.port, 3)
}, 180_000)
afterAll(async () => {
  await bouncer?.stop()
  await native?.stop()
})

const newUser = () => native.newUser()

const tripInput = { name: 'Lisbon', destination: 'Lisbon', startDate: '2026-06-01', endDate: '2026-06-07' }

describe.each(testDrivers)('through PgBouncer in transaction mode with $name', (driver) => {
  let db: Kysely<TripSageDatabase>
  beforeAll(() => {
    // More client connections (8) than server connections (3): transactions share backends.
    // postgres.js must not prepare named statements behind a transaction pooler before PgBouncer 1.21.
    db = driver.open(bouncer.urlFor(native.server.url), { max: 8, prepare: false })
  })
  afterAll(() => db?.destroy())

  it('isolates concurrent users: each sees only their own rows, no role or claims leak between backends', async () => {
    const tripsage = createTripSage({ db })
    const users = await Promise.all(Array.from({ length: 6 }, () => newUser()))
    await Promise.all(users.flatMap((u) => [1, 2, 3, 4].map(() => tripsage.forUser(u).trips.create(tripInput))))
    const pages = await Promise.all(users.map((u) => tripsage.forUser(u).trips.list({ limit: 10 })))
    pages.forEach((page, i) => {
      expect(page.items.map((t) => t.userId)).toEqual(Array(4).fill(users[i]?.sub))
    })
    // Outside any scope, a backend behind the pooler is back to postgres with no claims.
    const { rows } = await sql<{ role: string; claims: string | null }>`
      select current_user as role, nullif(current_setting('request.jwt.claims', true), '') as claims`.execute(db)
    expect(rows[0]).toEqual({ role: 'postgres', claims: null })
  })

  it('commits or rolls back transaction() as one unit', async () => {
    const me = createTripSage({ db }).forUser(await newUser())
    const trip = await me.transaction(async (tx) => {
      const created = await tx.trips.create(tripInput)
      await tx.flights.add(created.id, { origin: 'LHR', destination: 'LIS', departureDate: '2026-06-01', price: 1 })
      return created
    })
    expect(await me.flights.listByTrip(trip.id)).toHaveLength(1)
    await expect(
      me.transaction(async (tx) => {
        await tx.trips.create(tripInput)
        throw new Error('declined')
      }),
    ).rejects.toThrow('declined')
    expect((await me.trips.list()).items).toHaveLength(1)
    const refused = await me
      .transaction(async (tx) =>
        tx.flights.add(randomUUID(), { origin: 'LHR', destination: 'LIS', departureDate: '2026-06-01', price: 1 }),
      )
      .catch((e: unknown) => e)
    expect(TripSageError.isInstance(refused) && refused.code).toBe('not_found')
  })

  it('writes the outbox row with the rest of a service transaction, or not at all', async () => {
    const user = await newUser()
    const tripsage = createTripSage({ db })
    const key = `pooler-${randomUUID()}`
    // The row addToOutbox (@tripsage/jobs) writes, in the caller's service transaction.
    const enqueue = (tx: { db: Kysely<TripSageDatabase> }) =>
      sql`insert into private.job_outbox (user_id, job, dedup_key, payload)
          values (${user.sub}::uuid, 'memory-sync', ${key}, ${JSON.stringify({ n: 1 })}::text::jsonb)`.execute(tx.db)
    await expect(
      tripsage.service.transaction(async (tx) => {
        await enqueue(tx)
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')
    const count = async () =>
      (await native.admin.query('select count(*)::int as n from private.job_outbox where dedup_key = $1', [key]))
        .rows[0].n
    expect(await count()).toBe(0)
    await tripsage.service.transaction(async (tx) => enqueue(tx))
    expect(await count()).toBe(1)
  })

  it('searches memory (HNSW settings are transaction-local, so they hold behind the pooler)', async () => {
    const me = createTripSage({ db, embedder: localEmbedder() }).forUser(await newUser())
    await me.memory.addMany([{ content: 'prefers window seats' }, { content: 'vegetarian meals only' }])
    const hits = await me.memory.search({ query: 'vegetarian meals', limit: 1 })
    expect(hits[0]?.content).toBe('vegetarian meals only')
    const inside = await me.scope.run(
      (trx) => sql<{ ef: string }>`select current_setting('hnsw.ef_search') as ef`.execute(trx),
      { settings: { 'hnsw.ef_search': '77' } },
    )
    expect(inside.rows[0]?.ef).toBe('77')
  })
})
