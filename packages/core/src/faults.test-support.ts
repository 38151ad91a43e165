import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  type KyselyConfig,
  type TransactionSettings,
} from 'kysely'
import type { TripSageDatabase } from './db/schema.js'

/** Faults to inject into a real database (test support, not published). */
export interface DatabaseFaults {
  /** Before each COMMIT: return an error to roll back instead and throw it (a commit lost in flight). */
  commit?: () => Error | undefined
  /** Before each query: return an error to throw it instead of running the query. */
  query?: (query: CompiledQuery) => Error | undefined
}

/**
 * Kysely over a real database (any engine: pass e.g. `testDatabase.dialect()`) whose driver fails on
 * demand. Everything else is the real engine: the faults only replace a COMMIT with a ROLLBACK or a
 * query with an error.
 */
export function faultyDatabase(
  inner: Dialect,
  faults: DatabaseFaults,
  options: Pick<KyselyConfig, 'log'> = {},
): Kysely<TripSageDatabase> {
  const dialect: Dialect = {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver: () => wrapDriver(inner.createDriver(), faults),
  }
  return new Kysely<TripSageDatabase>({ dialect, ...options })
}

function wrapDriver(driver: Driver, faults: DatabaseFaults): Driver {
  const originals = new WeakMap<DatabaseConnection, DatabaseConnection>()
  const original = (connection: DatabaseConnection) => originals.get(connection) ?? connection
  return {
    init: (options) => driver.init(options),
    async acquireConnection(options) {
      const connection = await driver.acquireConnection(options)
      const wrapped: DatabaseConnection = {
        async executeQuery(query) {
          const error = faults.query?.(query)
          if (error) throw error
          // A scope on a driver that takes several statements per message commits with a plain
          // `commit` query rather than the driver's commitTransaction: lose that one the same way.
          if (/^\s*commit\s*;?\s*$/i.test(query.sql)) {
            const lost = faults.commit?.()
            if (lost) {
              await connection.executeQuery(CompiledQuery.raw('rollback'))
              throw lost
            }
          }
          return connection.executeQuery(query)
        },
        streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
      }
      originals.set(wrapped, connection)
      return wrapped
    },
    beginTransaction: (connection, settings: TransactionSettings) =>
      driver.beginTransaction(original(connection), settings),
    async commitTransaction(connection) {
      const error = faults.commit?.()
      if (error) {
        await driver.rollbackTransaction(original(connection))
        throw error
      }
      await driver.commitTransaction(original(connection))
    },
    rollbackTransaction: (connection) => driver.rollbackTransaction(original(connection)),
    releaseConnection: (connection, options) => driver.releaseConnection(original(connection), options),
    destroy: (options) => driver.destroy(options),
  }
}
