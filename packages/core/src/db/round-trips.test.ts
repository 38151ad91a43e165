import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type CompiledQuery, type Kysely, type KyselyPlugin, PostgresQueryCompiler, type QueryId, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type UserClient } from '../client.js'
import { TripSageError } from '../errors.js'
import { fileSystemStorage } from '../storage/file-system-storage.js'
import { plainDrivers, testDrivers } from './native.test-support.js'
import { useRoundTripCounter } from './round-trip-counter.test-support.js'
import { countedOperations, type RoundTripWorld, seedRoundTripWorld } from './round-trips.operations.test-support.js'
import type { TripSageDatabase } from './schema.js'

const wire = useRoundTripCounter()
const newUser = () => wire.native.newUser()

const roundTrips = wire.roundTrips

/**
 * Captures the data statements a Kysely instance runs (scope entry and `commit` go around it): a
 * query is compiled when built (subqueries too) and recorded when its result comes back.
 */
function capturing(db: Kysely<TripSageDatabase>): { db: Kysely<TripSageDatabase>; take(): CompiledQuery[] } {
  const compiler = new PostgresQueryCompiler()
  const built = new Map<QueryId, CompiledQuery>()
  let captured: CompiledQuery[] = []
  const plugin: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => {
      built.set(queryId, compiler.compileQuery(node, queryId))
      return node
    },
    transformResult: async ({ result, queryId }) => {
      const query = built.get(queryId)
      if (query) captured.push(query)
      built.delete(queryId)
      return result
    },
  }
  return {
    db: db.withPlugin(plugin),
    take: () => {
      const taken = captured
      captured = []
      built.clear()
      return taken
    },
  }
}

const flight = { origin: 'LHR', destination: 'LIS', departureDate: '2026-06-01', price: 120 }
const tripInput = { name: 'Lisbon', destination: 'Lisbon', startDate: '2026-06-01', endDate: '2026-06-07' }

describe.each(testDrivers)('round trips through $name (the SDK wiring)', (driver) => {
  let db: Kysely<TripSageDatabase>
  let capture: ReturnType<typeof capturing>
  let me: UserClient
  let world: RoundTripWorld
  let storageDir: string
  beforeAll(async () => {
    // One connection, so every call reuses the same warm connection and prepared statements.
    db = driver.open(wire.proxy.urlFor(wire.native.server.url), { max: 1 })
    capture = capturing(db)
    storageDir = await mkdtemp(join(tmpdir(), 'tripsage-round-trips-'))
    const storage = fileSystemStorage({
      dir: storageDir,
      signingSecret: 'round-trips-signing-secret-0123456789',
      baseUrl: 'http://127.0.0.1:9/storage',
    })
    const tripsage = createTripSage({ db: capture.db, storage })
    const user = (claims: { sub: string }) => tripsage.forUser(claims)
    me = user(await newUser())
    world = {
      me,
      service: tripsage.service,
      ...(await seedRoundTripWorld(me)),
      newUser: async () => {
        const claims = await newUser()
        return { id: claims.sub, client: user(claims) }
      },
    }
  })
  afterAll(async () => {
    await db?.destroy()
    if (storageDir) await rm(storageDir, { recursive: true, force: true })
  })

  it("costs every one-statement call its bare statement's round trips, and n statements at most n + 1", async () => {
    const table: Record<string, { statements: number; sdk: number; bare: number }> = {}
    for (const op of countedOperations) {
      let sdk = 0
      let statements: CompiledQuery[] = []
      for (let i = 0; i < 3; i++) {
        const call = await op.prepare(world, i)
        capture.take()
        wire.proxy.resetCount()
        await call()
        sdk = wire.proxy.flights()
        statements = capture.take()
      }
      // The same statements sent raw (superuser, no scope, no transaction); an error (a replayed
      // insert meeting its own row) costs the same round trip.
      const bare = await roundTrips(async () => {
        for (const statement of statements) await db.executeQuery(statement).catch(() => undefined)
      })
      table[op.name] = { statements: statements.length, sdk, bare }
    }
    console.info(`round trips through ${driver.name}:`, JSON.stringify(table))
    for (const op of countedOperations) {
      const { statements, sdk, bare } = table[op.name]!
      const n = op.statements
      // One statement: as many round trips as the bare statement. n statements: at most n + 1.
      const goal = n === 1 ? bare : Math.min(sdk, n + 1)
      expect({ name: op.name, statements, sdk }).toEqual({ name: op.name, statements: n, sdk: goal })
    }
    expect(
      Object.values(table)
        .filter((row) => row.statements === 1)
        .every((row) => row.bare === 1),
    ).toBe(true)
  })

  it('costs a transaction of n statements at most n + 1 round trips', async () => {
    for (const n of [1, 2, 3]) {
      const trips = await roundTrips(() =>
        me.transaction(async (tx) => {
          for (let i = 0; i < n; i++) await tx.trips.get(world.tripId)
        }),
      )
      expect({ n, trips }).toEqual({ n, trips: Math.min(trips, n + 1) })
    }
  })
})

describe.each(plainDrivers)('round trips through $name (no SDK factory: the fallbacks)', (driver) => {
  it('still runs one-statement calls correctly, at the fallback cost', async () => {
    const db = driver.open(wire.proxy.urlFor(wire.native.server.url))
    try {
      const me = createTripSage({ db }).forUser(await newUser())
      const tripId = (await me.trips.create(tripInput)).id
      const trips = await roundTrips(() => me.trips.get(tripId))
      console.info(`round trips of trips.get through ${driver.name}: ${trips}`)
      // The one-message entry (3) on pg; a Kysely transaction (begin, set_config, statement, commit) on kysely-postgres-js.
      expect(trips).toBeGreaterThanOrEqual(3)
    } finally {
      await db.destroy()
    }
  })
})

describe.each(testDrivers)('pipelined scopes through $name keep their guarantees', (driver) => {
  let db: Kysely<TripSageDatabase>
  beforeAll(() => {
    db = driver.open(wire.native.server.url, { max: 1 })
  })
  afterAll(() => db?.destroy())

  /** What the next borrower of the single pooled connection sees. */
  async function nextBorrowerState() {
    const { rows } = await sql<{ role: string; claims: string | null; xid: string | null; timeout: string }>`
      select current_user as role, current_setting('request.jwt.claims', true) as claims,
        pg_current_xact_id_if_assigned()::text as xid, current_setting('statement_timeout') as timeout`.execute(db)
    return rows[0]
  }
  const clean = { role: 'postgres', claims: expect.toSatisfy((c) => !c), xid: null, timeout: '0' }

  it('reports a failed statement, writes nothing and leaks nothing (commit behind it answered ROLLBACK)', async () => {
    const alice = createTripSage({ db }).forUser(await newUser())
    const bob = createTripSage({ db }).forUser(await newUser())
    const bobsTrip = await bob.trips.create(tripInput)
    const error = await alice.flights.add(bobsTrip.id, flight).catch((e: unknown) => e)
    expect(TripSageError.isInstance(error) && error.code).toBe('not_found')
    const other = await alice.trips.update(bobsTrip.id, { name: 'mine' }).catch((e: unknown) => e)
    expect(TripSageError.isInstance(other) && other.code).toBe('not_found')
    expect(await bob.flights.listByTrip(bobsTrip.id)).toEqual([])
    expect((await bob.trips.get(bobsTrip.id)).name).toBe('Lisbon')
    expect(await nextBorrowerState()).toEqual(clean)
  })

  it('fails the statement when the entry fails, and reports the entry error', async () => {
    const me = createTripSage({ db }).forUser(await newUser())
    const error = await me.scope
      .run(
        (trx) =>
          sql`insert into public.trips (user_id, name, destination, start_date, end_date) values (${me.userId}, 'x', 'x', '2026-01-01', '2026-01-02')`.execute(
            trx,
          ),
        {
          settings: { no_such_setting: '1' },
          oneStatement: true,
        },
      )
      .catch((e: unknown) => e)
    expect((error as { code?: string }).code).toBe('42704')
    expect((await me.trips.list()).items).toEqual([])
    expect(await nextBorrowerState()).toEqual(clean)
  })

  it('throws when commit is answered ROLLBACK, and rolls back a callback error', async () => {
    const me = createTripSage({ db }).forUser(await newUser())
    const aborted = await me
      .transaction(async (tx) => {
        await tx.trips.create(tripInput)
        await sql`select 1 / 0`.execute(tx.db).catch(() => undefined)
      })
      .catch((e: unknown) => e)
    expect(TripSageError.isInstance(aborted)).toBe(true)
    await expect(
      me.transaction(async (tx) => {
        await tx.trips.create(tripInput)
        throw new Error('payment declined')
      }),
    ).rejects.toThrow('payment declined')
    expect((await me.trips.list()).items).toEqual([])
    expect(await nextBorrowerState()).toEqual(clean)
  })

  it('runs users concurrently on a small pool, each seeing only their own rows', async () => {
    const users = await Promise.all([newUser(), newUser(), newUser()])
    const small = driver.open(wire.native.server.url, { max: 2 })
    try {
      const tripsage = createTripSage({ db: small })
      await Promise.all(users.flatMap((u) => [1, 2, 3].map(() => tripsage.forUser(u).trips.create(tripInput))))
      for (const u of users) {
        const page = await tripsage.forUser(u).trips.list()
        expect(page.items.map((t) => t.userId)).toEqual([u.sub, u.sub, u.sub])
      }
    } finally {
      await small.destroy()
    }
  })
})
