import { randomUUID } from 'node:crypto'
import { createServer } from 'node:net'
import type { TestDatabase } from '@tripsage/testing'
import type { Kysely } from 'kysely'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from 'vitest'
import { TripSageError } from '../errors.js'
import { type FaultProxy, startFaultProxy } from './fault-proxy.test-support.js'
import { type TestDriver, testDrivers } from './native.test-support.js'
import type { TripSageDatabase } from './schema.js'

/**
 * The documented wiring a native project tests (`core-native`: `pg` through
 * `createPostgresDatabase`; `core-native-postgres-js`: postgres.js through
 * `createPostgresJsDatabase`), or undefined where the fault tests do not run: the PGlite `core`
 * project (no server to fault) and the `pg-kysely` project (not the SDK's wiring).
 */
export function projectDriver(): TestDriver | undefined {
  const name = (inject as (key: string) => unknown)('tripsageNativeDriver')
  if (name === 'pg') return testDrivers.find((d) => d.name === 'pg')
  if (name === 'postgres-js') return testDrivers.find((d) => d.name === 'postgres.js')
  return undefined
}

/**
 * Records every uncaught exception and unhandled rejection of the process while the enclosing
 * suite runs, and fails each test after which one escaped (the SDK never crashes its host).
 * Call it inside a `describe`.
 */
export function failOnEscapes(): { readonly escaped: string[] } {
  const escaped: string[] = []
  const onUncaught = (error: unknown) => {
    escaped.push(`uncaught exception: ${(error as Error)?.stack ?? String(error)}`)
  }
  const onUnhandled = (error: unknown) => {
    escaped.push(`unhandled rejection: ${(error as Error)?.stack ?? String(error)}`)
  }
  beforeAll(() => {
    process.on('uncaughtException', onUncaught)
    process.on('unhandledRejection', onUnhandled)
  })
  afterAll(() => {
    process.off('uncaughtException', onUncaught)
    process.off('unhandledRejection', onUnhandled)
  })
  beforeEach(() => {
    escaped.length = 0
  })
  afterEach(async () => {
    // A rejection is reported as unhandled a macrotask after it happened.
    await new Promise((r) => setTimeout(r, 20))
    expect(escaped).toEqual([])
  })
  return { escaped }
}

/** The code of a rejection (`fulfilled` when it did not reject); anything other than a TripSageError is `raw: …`. */
export async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'fulfilled'
  } catch (error) {
    return TripSageError.isInstance(error) ? error.code : `raw: ${(error as Error)?.message}`
  }
}

/** Tallies outcomes by code. */
export function tally(outcomes: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1
  return counts
}

/** Polls `check` every 25 ms until it holds (at most 10 s). */
export async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error('condition never held')
}

/** A loopback port nothing listened on a moment ago: to be refused, or for a server to listen on. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  return typeof address === 'object' && address ? address.port : 1
}

export const tripInput = { name: 'Lisbon', destination: 'Lisbon', startDate: '2026-06-01', endDate: '2026-06-07' }

/** A database to fault, a superuser pool beside it, and the SDK's wiring through a fault proxy. */
export interface FaultBench {
  /** The wiring under test. */
  readonly driver: TestDriver
  /** The proxy between the SDK and the server. */
  readonly proxy: FaultProxy
  /** Superuser URL of the database (direct). */
  readonly url: string
  /** A superuser pool on the database, outside the SDK (checks, terminations, users). */
  readonly admin: pg.Pool
  /** The SDK's wiring over the proxy (`max` connections, default 4); destroyed by `close()`. */
  open(options?: { max?: number }): Kysely<TripSageDatabase>
  /** A new row in `auth.users`, as claims. */
  newUser(): Promise<{ sub: string; role: 'authenticated' }>
  /** The SDK's backends (application_name `tripsage`) on this database, by state. */
  appBackends(): Promise<Record<string, number>>
  /** Ends every SDK backend on this database, as a pooler or a restart would; returns how many. */
  terminateAppBackends(): Promise<number>
  /** Closes everything it opened, and the database. */
  close(): Promise<void>
}

/**
 * The per-file setup of a native fault suite, inside its `describe`: fails each test after which
 * anything escaped ({@link failOnEscapes}), and starts a {@link FaultBench} over the database
 * `create` gives (the file's `createTestDatabase()`, which also makes `vitest.workspace.ts` run
 * the file in the native projects) before the suite, closing it after.
 *
 * @param create - makes the file's test database
 * @param driver - the wiring under test
 * @returns the bench, once the suite started
 */
export function useFaultBench(create: () => Promise<TestDatabase>, driver: TestDriver): () => FaultBench {
  failOnEscapes()
  let bench: FaultBench | undefined
  beforeAll(async () => {
    bench = await startFaultBench(await create(), driver)
  }, 60_000)
  afterAll(() => bench?.close())
  return () => {
    if (!bench) throw new Error('the fault bench is not started')
    return bench
  }
}

/**
 * A {@link FaultBench} over a test database of the native tier: faults touch only this file's
 * database (backends are chosen by database name) and its own proxy, so files run in parallel.
 *
 * @param database - from `createTestDatabase()` in a native project
 * @param driver - the wiring under test
 */
export async function startFaultBench(database: TestDatabase, driver: TestDriver): Promise<FaultBench> {
  if (!database.url) throw new Error('fault tests need a native test database')
  const url = database.url
  const proxy = await startFaultProxy(Number(new URL(url).port), 0)
  const admin = new pg.Pool({ connectionString: url, max: 2, application_name: 'tripsage-faults-admin' })
  admin.on('error', () => undefined)
  const opened: Kysely<TripSageDatabase>[] = []
  const backendsOfThisDatabase = `from pg_stat_activity where application_name = 'tripsage' and datname = current_database()`
  return {
    driver,
    proxy,
    url,
    admin,
    open: (options = {}) => {
      const db = driver.open(proxy.urlFor(url), { max: options.max ?? 4 })
      opened.push(db)
      return db
    },
    async newUser() {
      const id = randomUUID()
      await admin.query('insert into auth.users (id, email) values ($1, $2)', [id, `${id}@example.test`])
      return { sub: id, role: 'authenticated' }
    },
    async appBackends() {
      const { rows } = await admin.query(
        `select coalesce(state, 'unknown') as state, count(*)::int as n ${backendsOfThisDatabase} group by 1`,
      )
      return Object.fromEntries(rows.map((r) => [r.state, r.n]))
    },
    async terminateAppBackends() {
      const { rows } = await admin.query(
        `select count(*) filter (where pg_terminate_backend(pid))::int as n ${backendsOfThisDatabase}`,
      )
      return rows[0].n
    },
    async close() {
      await Promise.all(opened.map((db) => db.destroy().catch(() => undefined)))
      await proxy.close()
      await admin.end()
      await database.close()
    },
  }
}
