import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'
import { beginStatement, commitOrThrow } from './transaction-statements.js'

/**
 * A connection of one of the SDK's own drivers: it runs statements and knows how to go back to
 * its pool (released when healthy, destroyed when it failed at the connection level).
 */
export interface ScopedConnection extends DatabaseConnection {
  /** Called by `rollback` when it failed: the connection must not be reused. */
  markBroken(): void
  /** Gives the connection back, or ends it when it failed. */
  release(): void
}

/**
 * What the SDK's drivers (`pg`, postgres.js) share: Postgres's adapter, compiler and
 * introspector, transactions by plain statements (so the scope can pipeline them), a failed
 * rollback that destroys the connection, and release through the connection itself. A driver
 * supplies only how to get a connection and how to end the pool.
 *
 * @param driver - how to check a connection out and how to end every connection
 */
export function scopedDialect(driver: { acquire(): Promise<ScopedConnection>; end(): Promise<void> }): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: (): Driver => ({
      init: async () => undefined,
      acquireConnection: () => driver.acquire(),
      beginTransaction: async (connection: DatabaseConnection, settings: TransactionSettings) => {
        await connection.executeQuery(beginStatement(settings))
      },
      commitTransaction: (connection: DatabaseConnection) => commitOrThrow(connection),
      rollbackTransaction: async (connection: DatabaseConnection) => {
        try {
          await connection.executeQuery(CompiledQuery.raw('rollback'))
        } catch (error) {
          ;(connection as ScopedConnection).markBroken()
          throw error
        }
      },
      releaseConnection: async (connection: DatabaseConnection) => {
        ;(connection as ScopedConnection).release()
      },
      destroy: () => driver.end(),
    }),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  }
}

/**
 * Kysely's result from a driver's answer: affected rows for writes, and `{ command }` as the only
 * row of `COMMIT`/`ROLLBACK` (how the scope tells a commit that PostgreSQL rolled back).
 *
 * @param command - the command tag's verb (`SELECT`, `INSERT`, `COMMIT`…)
 * @param count - rows affected or returned, when the driver reports it
 * @param rows - the rows
 */
export function queryResult<R>(
  command: string | undefined,
  count: number | null | undefined,
  rows: R[],
): QueryResult<R> {
  if (command === 'ROLLBACK' || command === 'COMMIT') return { rows: [{ command }] as R[] }
  return {
    numAffectedRows:
      command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE'
        ? BigInt(count ?? 0)
        : undefined,
    rows,
  }
}
