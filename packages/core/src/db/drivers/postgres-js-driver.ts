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
import { type Wire, wireKey } from '../wire.js'
import { beginStatement, commitOrThrow } from './transaction-statements.js'

/** The connection postgres.js hands to a query's `onexecute` hook. */
interface PostgresJsBackend {
  terminate(): void
  /** Set by `reserve()`, cleared (null) by postgres.js when the connection closed. */
  readonly reserved?: unknown
}

/** The answer of a postgres.js query: an array of rows with `command` and `count`. */
type PostgresJsResult = unknown[] & { command?: string; count?: number }

/** The slice of a reserved postgres.js connection (`await sql.reserve()`) the driver uses. */
export interface PostgresJsReservedLike {
  unsafe(
    query: string,
    parameters?: unknown[],
    options?: { prepare?: boolean; onexecute?: (backend: PostgresJsBackend) => boolean },
  ): PromiseLike<PostgresJsResult>
  release(): void
}

/**
 * The slice of a postgres.js `Sql` instance (`postgres(url, options)`) the driver uses.
 * Structural, so `@tripsage/core` needs no postgres.js at run time.
 */
export interface PostgresJsSqlLike {
  reserve(): Promise<PostgresJsReservedLike>
  end(options?: { timeout?: number }): Promise<void>
  readonly options?: { readonly prepare?: boolean }
}

/**
 * A Kysely dialect over a postgres.js instance, for Deno, Supabase Edge Functions, Bun and Node.
 * Unlike a generic adapter it lets the SDK's scopes pipeline a call (postgres.js writes queries
 * without waiting for earlier answers) and end a connection whose deadline passed. Prepared
 * statements follow the instance's `prepare` option (set `prepare: false` behind a transaction
 * pooler that does not keep them, such as Supavisor on port 6543 or PgBouncer before 1.21).
 *
 * @param sql - the postgres.js instance
 */
export function postgresJsDialect(sql: PostgresJsSqlLike): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PostgresJsDriver(sql),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  }
}

class PostgresJsDriver implements Driver {
  readonly #sql: PostgresJsSqlLike

  constructor(sql: PostgresJsSqlLike) {
    this.#sql = sql
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PostgresJsConnection(await this.#sql.reserve(), this.#sql.options?.prepare !== false)
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(beginStatement(settings))
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return commitOrThrow(connection)
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    ;(connection as PostgresJsConnection).release()
  }

  async destroy(): Promise<void> {
    await this.#sql.end({ timeout: 5 })
  }
}

class PostgresJsConnection implements DatabaseConnection {
  readonly #reserved: PostgresJsReservedLike
  readonly #prepare: boolean
  #backend: PostgresJsBackend | undefined
  #destroyed = false
  readonly [wireKey]: Wire

  constructor(reserved: PostgresJsReservedLike, prepare: boolean) {
    this.#reserved = reserved
    this.#prepare = prepare
    this[wireKey] = {
      pipelined: true,
      destroy: () => {
        this.#destroyed = true
        this.#backend?.terminate()
      },
    }
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#reserved.unsafe(compiledQuery.sql, [...compiledQuery.parameters], {
      prepare: this.#prepare,
      // postgres.js names the backend connection here; returning true keeps its pipeline going.
      onexecute: (backend) => {
        this.#backend = backend
        return true
      },
    })
    const { command, count } = result
    if (command === 'ROLLBACK' || command === 'COMMIT') return { rows: [{ command }] as R[] }
    return {
      numAffectedRows:
        command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE'
          ? BigInt(count ?? 0)
          : undefined,
      rows: Array.from(result) as R[],
    }
  }

  // biome-ignore lint/correctness/useYield: not needed by the SDK; use the postgres.js instance directly
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not supported by the TripSage postgres.js dialect')
  }

  release(): void {
    // A closed connection (terminated by a deadline, or ended by the server or the network) is
    // back in postgres.js's closed queue already; releasing it would put a dead connection in the
    // open queue for the next reservation.
    if (this.#destroyed || this.#backend?.reserved === null) return
    this.#reserved.release()
  }
}
