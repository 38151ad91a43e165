import type { TripSageDatabase } from '@tripsage/core'
import type { Dialect, Kysely, KyselyConfig } from 'kysely'
import { createEmbeddedTestDatabase, type EmbeddedTestDatabaseOptions } from './embedded-database.js'
import { createNativeTestDatabase, type NativeTestDatabases } from './native-database.js'

/**
 * A fresh database for one test file with the platform stand-ins and every migration applied, on
 * whichever engine the test run chose (see {@link configureTestDatabases}). Engine-neutral: reach
 * the database through `db`, `connect()` or `dialect()`, never through an engine's own client.
 */
export interface TestDatabase {
  /** `pglite` (embedded, in-process) or `postgres` (a native PostgreSQL server over TCP). */
  readonly engine: 'pglite' | 'postgres'
  /** Kysely connected as the superuser `postgres`. */
  readonly db: Kysely<TripSageDatabase>
  /** The connection URL (superuser) on `postgres`, for tools like `psql` or `pg_prove`; null on PGlite. */
  readonly url: string | null
  /** How long making this database took (restore or template clone), in milliseconds. */
  readonly restoreMs: number
  /**
   * Another Kysely over the same database with its own connections (e.g. with a `log` hook).
   * Closed by `close()`.
   */
  connect(config?: Omit<KyselyConfig, 'dialect'>): Kysely<TripSageDatabase>
  /** A fresh dialect over the same database, for tests that wrap the driver. Closed by `close()`. */
  dialect(): Dialect
  /** Closes every connection opened through this object and drops the database. */
  close(): Promise<void>
}

/** Options of {@link createTestDatabase}. */
export interface TestDatabaseOptions extends EmbeddedTestDatabaseOptions {}

let native: NativeTestDatabases | null = null

/**
 * Chooses the engine `createTestDatabase()` uses in this process: native PostgreSQL databases
 * cloned from a migrated template, or PGlite (`null`, the default). A Vitest `setupFiles` entry
 * calls it with what the project's global setup provided; library code never reads the
 * environment.
 *
 * @param options - the template and driver of the native tier, or null for PGlite
 * @example
 * // vitest setup file of a native project
 * configureTestDatabases({ templateUrl: inject('tripsageNativeTemplateUrl'), connector: pgPoolConnector(pg.Pool) })
 */
export function configureTestDatabases(options: NativeTestDatabases | null): void {
  native = options
}

/** The engine {@link createTestDatabase} uses in this process. */
export function configuredTestDatabaseEngine(): TestDatabase['engine'] {
  return native ? 'postgres' : 'pglite'
}

/**
 * A fresh, fully migrated database for one test file: on PGlite by default (a snapshot restore),
 * or a clone of the native tier's template database when {@link configureTestDatabases} chose it.
 * Extra PGlite `extensions` are PGlite-only: ask {@link createEmbeddedTestDatabase} for those.
 *
 * @example
 * const database = await createTestDatabase()
 * afterAll(() => database.close())
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  if (native) {
    if (options.extensions) throw new Error('createTestDatabase: PGlite extensions need createEmbeddedTestDatabase()')
    return createNativeTestDatabase(native)
  }
  return createEmbeddedTestDatabase(options)
}
