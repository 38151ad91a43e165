import { randomBytes } from 'node:crypto'
import type { TripSageDatabase } from '@tripsage/core'
import { type Dialect, type Driver, Kysely, type KyselyConfig, PostgresDialect, type PostgresPool, sql } from 'kysely'
import type { TestDatabase } from './test-database.js'

/** A driver for the native tier: a Kysely dialect over a URL, and how to close its connections. */
export interface NativeConnection {
  /** A Kysely dialect over the connection pool. */
  readonly dialect: Dialect
  /** Closes every connection (idempotent). */
  end(): Promise<void>
}

/** Opens a {@link NativeConnection} to a database URL (the driver is the caller's choice). */
export type NativeConnector = (url: string) => NativeConnection

/** Where native test databases come from (see `configureTestDatabases`). */
export interface NativeTestDatabases {
  /**
   * A superuser URL of a database with the platform stand-ins and every migration applied. Each
   * test database is `CREATE DATABASE … TEMPLATE` it, so nothing may stay connected to it.
   */
  templateUrl: string
  /** The driver under test, e.g. {@link pgPoolConnector}. */
  connector: NativeConnector
}

/** What {@link pgPoolConnector} needs of `pg.Pool`. */
export interface PgPoolLike extends PostgresPool {
  /** Whether `end()` was called. */
  readonly ended: boolean
  /** Listens for errors of idle clients (a dropped database must not crash the run). */
  on(event: 'error', listener: (error: Error) => void): unknown
  /** Closes every connection. */
  end(): Promise<void>
}

/**
 * The `pg` driver: a `pg.Pool` (max 4 connections) under Kysely's `PostgresDialect`.
 *
 * @param Pool - `pg.Pool` (passed in, so this package does not depend on `pg`)
 * @param options - extra pool options, e.g. `{ pipeline: true }`
 * @example
 * configureTestDatabases({ templateUrl, connector: pgPoolConnector(pg.Pool) })
 */
export function pgPoolConnector(
  Pool: new (config: { connectionString: string; max: number }) => PgPoolLike,
  options: Record<string, unknown> = {},
): NativeConnector {
  return (url) => {
    const pool = new Pool({ connectionString: url, max: 4, ...options })
    // The test database is dropped WITH (FORCE) at close; a pooled idle client must not crash the run.
    pool.on('error', () => {})
    return {
      dialect: new PostgresDialect({ pool }),
      end: async () => {
        if (!pool.ended) await pool.end()
      },
    }
  }
}

let counter = 0

/** Clones the template into a new database and connects to it through the configured driver. */
export async function createNativeTestDatabase(options: NativeTestDatabases): Promise<TestDatabase> {
  const template = new URL(options.templateUrl)
  const templateName = decodeURIComponent(template.pathname.slice(1))
  const name = `tripsage_test_${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`
  const started = performance.now()
  await admin(options, sql`create database ${sql.id(name)} template ${sql.id(templateName)} strategy file_copy`)
  const restoreMs = performance.now() - started
  const url = new URL(template)
  url.pathname = `/${name}`
  const main = options.connector(url.toString())
  // Every connect()/dialect() shares a second pool: tests create many wrapped instances and never
  // destroy them, so each must not hold connections of its own (the server's max_connections).
  let second: NativeConnection | undefined
  const shared = () => {
    second ??= options.connector(url.toString())
    return keptOpen(second.dialect)
  }
  let closed = false
  return {
    engine: 'postgres',
    db: new Kysely<TripSageDatabase>({ dialect: main.dialect }),
    url: url.toString(),
    restoreMs,
    connect: (config: Omit<KyselyConfig, 'dialect'> = {}) =>
      new Kysely<TripSageDatabase>({ ...config, dialect: shared() }),
    dialect: shared,
    async close() {
      if (closed) return
      closed = true
      await Promise.all([main.end(), second?.end()])
      await admin(options, sql`drop database if exists ${sql.id(name)} with (force)`)
    },
  }
}

/** The dialect, except that destroying a Kysely over it leaves the shared connections open. */
function keptOpen(inner: Dialect): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver: (): Driver => {
      const driver = inner.createDriver()
      return {
        init: () => driver.init(),
        acquireConnection: (options) => driver.acquireConnection(options),
        beginTransaction: (connection, settings) => driver.beginTransaction(connection, settings),
        commitTransaction: (connection) => driver.commitTransaction(connection),
        rollbackTransaction: (connection) => driver.rollbackTransaction(connection),
        releaseConnection: (connection, options) => driver.releaseConnection(connection, options),
        ...(driver.savepoint ? { savepoint: driver.savepoint.bind(driver) } : {}),
        ...(driver.rollbackToSavepoint ? { rollbackToSavepoint: driver.rollbackToSavepoint.bind(driver) } : {}),
        ...(driver.releaseSavepoint ? { releaseSavepoint: driver.releaseSavepoint.bind(driver) } : {}),
        destroy: async () => undefined,
      }
    },
  }
}

/** Runs one statement on the server's `postgres` database (CREATE DATABASE may not run in the template). */
async function admin(options: NativeTestDatabases, statement: ReturnType<typeof sql>): Promise<void> {
  const url = new URL(options.templateUrl)
  url.pathname = '/postgres'
  const connection = options.connector(url.toString())
  const db = new Kysely<unknown>({ dialect: connection.dialect })
  try {
    await statement.execute(db)
  } finally {
    await db.destroy()
    await connection.end()
  }
}
