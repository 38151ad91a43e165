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
import { leavesConnectionBroken } from './broken-connection.js'
import { beginStatement, commitOrThrow } from './transaction-statements.js'

/**
 * The slice of a `pg` (node-postgres) client the driver uses. Structural, so `@tripsage/core`
 * needs neither `pg` nor its types at run time.
 */
export interface PgClientLike {
  /** Runs one statement (simple protocol without values, extended with). */
  query(text: string, values?: readonly unknown[]): Promise<PgQueryResultLike>
  /** Gives the client back to its pool; `true` makes the pool end it. */
  release(destroy?: boolean | Error): void
  /** Listens for connection errors that reach no query. */
  on(event: 'error', listener: (error: Error) => void): unknown
  /** True when the client was created with `pipeline: true` (node-postgres pipeline mode). */
  readonly pipeline?: boolean
  /** The client's connection; its socket is destroyed when a deadline passes. */
  readonly connection?: { readonly stream?: { destroy(error?: Error): void } }
}

/** The answer of a `pg` query. */
export interface PgQueryResultLike {
  /** The command tag's verb: `SELECT`, `INSERT`, `COMMIT`, `ROLLBACK`… */
  readonly command: string
  /** Rows affected or returned. */
  readonly rowCount: number | null
  /** The rows. */
  readonly rows: unknown[]
}

/** The slice of a `pg` Pool the driver uses. */
export interface PgPoolLike {
  /** Checks a client out. */
  connect(): Promise<PgClientLike>
  /** Ends every client. */
  end(): Promise<void>
  /** Listens for errors of idle clients. */
  on(event: 'error', listener: (error: Error, client: unknown) => void): unknown
}

/** Options of {@link pgDialect}. */
export interface PgDialectOptions {
  /** A `pg.Pool`; best made by `createPostgresPool` (pipeline mode, keep-alive, timeouts, listeners). */
  pool: PgPoolLike
  /**
   * Told about connection errors that reach no query (an idle or borrowed connection the server
   * or the network ended). Gets the error only: log its `code`, never its message verbatim if
   * your policy forbids server text in logs. Default: ignored (the next query on that connection
   * fails and is reported as `unavailable`).
   */
  onConnectionError?: (error: Error) => void
}

const guardedClients = new WeakSet<object>()
const guardedPools = new WeakSet<object>()

/**
 * A Kysely dialect over a `pg` Pool that never lets a connection crash its host: the pool and
 * every client it hands out get an `'error'` listener for their whole life (pg-pool removes its
 * own from a borrowed client), a connection that failed is destroyed instead of going back to
 * the pool, and the SDK's scopes can destroy a connection whose deadline passed. With a pool
 * created with `pipeline: true`, scopes send a one-statement call in one round trip.
 *
 * @param options - the pool and an optional connection-error observer
 */
export function pgDialect(options: PgDialectOptions): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PgDriver(options),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  }
}

class PgDriver implements Driver {
  readonly #options: PgDialectOptions
  readonly #connections = new WeakMap<object, PgConnection>()

  constructor(options: PgDialectOptions) {
    this.#options = options
    const onError = (error: Error) => this.#options.onConnectionError?.(error)
    if (!guardedPools.has(options.pool)) {
      guardedPools.add(options.pool)
      options.pool.on('error', onError)
    }
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const client = await this.#options.pool.connect()
    let connection = this.#connections.get(client)
    if (!connection) {
      connection = new PgConnection(client)
      this.#connections.set(client, connection)
    }
    if (!guardedClients.has(client)) {
      guardedClients.add(client)
      const c = connection
      client.on('error', (error) => {
        c.failed = true
        this.#options.onConnectionError?.(error)
      })
    }
    connection.failed = false
    return connection
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(beginStatement(settings))
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return commitOrThrow(connection)
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'))
    } catch (error) {
      ;(connection as PgConnection).failed = true
      throw error
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    ;(connection as PgConnection).release()
  }

  async destroy(): Promise<void> {
    await this.#options.pool.end()
  }
}

class PgConnection implements DatabaseConnection {
  readonly #client: PgClientLike
  /** Set by the client's `'error'` event, a failed rollback or a destroy: never reuse it. */
  failed = false
  readonly [wireKey]: Wire

  constructor(client: PgClientLike) {
    this.#client = client
    this[wireKey] = {
      pipelined: client.pipeline === true,
      destroy: () => {
        this.failed = true
        client.connection?.stream?.destroy()
      },
    }
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const result = await this.#client.query(compiledQuery.sql, compiledQuery.parameters)
      const { command, rowCount, rows } = result
      if (command === 'ROLLBACK' || command === 'COMMIT') return { rows: [{ command }] as R[] }
      return {
        numAffectedRows:
          command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE'
            ? BigInt(rowCount ?? 0)
            : undefined,
        rows: (rows ?? []) as R[],
      }
    } catch (error) {
      // A query error with a SQLSTATE leaves the connection usable; anything else (terminated,
      // reset, read timeout, not queryable) does not.
      if (leavesConnectionBroken(error)) this.failed = true
      throw error
    }
  }

  // biome-ignore lint/correctness/useYield: streaming needs a cursor, which pipeline mode refuses
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not supported by the TripSage pg dialect')
  }

  release(): void {
    // `release(true)` makes pg-pool end the client instead of keeping it idle.
    this.#client.release(this.failed)
  }
}
