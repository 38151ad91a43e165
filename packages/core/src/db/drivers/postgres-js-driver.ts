import type { CompiledQuery, Dialect, QueryResult } from 'kysely'
import { type Wire, wireKey } from '../wire.js'
import { leavesConnectionBroken } from './broken-connection.js'
import { guardStartupQueries } from './postgres-js-startup-queries.js'
import { queryResult, type ScopedConnection, scopedDialect } from './scoped-dialect.js'

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
  /** Runs one statement on the reserved connection. */
  unsafe(
    query: string,
    parameters?: unknown[],
    options?: {
      /** Whether queries use named prepared statements. */
      prepare?: boolean
      /** Called before each query runs on a reserved connection. */
      onexecute?: (backend: PostgresJsBackend) => boolean
    },
  ): PromiseLike<PostgresJsResult>
  /** Gives the connection back to the instance's pool. */
  release(): void
}

/**
 * The slice of a postgres.js `Sql` instance (`postgres(url, options)`) the driver uses.
 * Structural, so `@tripsage/core` needs no postgres.js at run time.
 */
export interface PostgresJsSqlLike {
  /** Reserves one connection for exclusive use. */
  reserve(): Promise<PostgresJsReservedLike>
  /** Ends every connection. */
  end(options?: { timeout?: number }): Promise<void>
  /**
   * Builds a query without running it (postgres.js sends a query only once it is awaited): how
   * the dialect reaches postgres.js's query class to guard its startup queries.
   */
  unsafe?(query: string): PromiseLike<unknown>
  /** The parsed options; `prepare: false` turns named prepared statements off. */
  readonly options?: {
    /** `false` when the instance was made with `prepare: false` (behind a transaction pooler). */
    readonly prepare?: boolean
    /** State shared by the instance's connections. */
    readonly shared?: {
      /** Connection attempts that failed in a row: postgres.js's reconnect backoff grows with it. */
      retries: number
    }
  }
}

/**
 * A Kysely dialect over a postgres.js instance, for Deno, Supabase Edge Functions, Bun and Node.
 * Unlike a generic adapter it lets the SDK's scopes pipeline a call (postgres.js writes queries
 * without waiting for earlier answers) and end a connection whose deadline passed. Prepared
 * statements follow the instance's `prepare` option (set `prepare: false` behind a transaction
 * pooler that does not keep them, such as Supavisor on port 6543 or PgBouncer before 1.21).
 * It also guards postgres.js's startup queries (its array-type lookup, and the session-state query
 * of `target_session_attrs`), whose failure postgres.js would otherwise leave as an unhandled
 * rejection (see `guardStartupQueries`).
 *
 * @param sql - the postgres.js instance
 */
export function postgresJsDialect(sql: PostgresJsSqlLike): Dialect {
  guardStartupQueries(sql)
  const prepare = sql.options?.prepare !== false
  return scopedDialect({
    acquire: async () => new PostgresJsConnection(await reserveWithWatchdog(sql), prepare),
    end: () => sql.end({ timeout: 5 }),
  })
}

/** How long a reservation may stay unanswered before a second one is asked for. */
const RESERVE_WATCHDOG_MS = 1_000
/** At most this many reservations per checkout. */
const RESERVE_ATTEMPTS = 3

/**
 * `sql.reserve()`, asked again every second while unanswered (three times at most). postgres.js 3.4 can lose a
 * reservation that is waiting while a connection closes with an error (a reset): the closing
 * connection takes the waiting reservation for its reconnect, then drops it while it fetches
 * array types, and the reservation never resolves. A second reservation gets a connection as soon
 * as one is free; whichever resolves first is used and any other is released when it arrives.
 * The call's deadline still bounds the wait.
 */
function reserveWithWatchdog(sql: PostgresJsSqlLike): Promise<PostgresJsReservedLike> {
  return new Promise((resolve, reject) => {
    let settled = false
    let pending = 0
    let timer: ReturnType<typeof setTimeout> | undefined
    let asked = 0
    const ask = () => {
      asked++
      pending++
      sql.reserve().then(
        (reserved) => {
          pending--
          if (settled) {
            reserved.release()
            return
          }
          settled = true
          clearTimeout(timer)
          resetReconnectBackoff(sql)
          resolve(reserved)
        },
        (error: unknown) => {
          pending--
          if (settled || pending > 0) return
          settled = true
          clearTimeout(timer)
          reject(error)
        },
      )
      if (asked < RESERVE_ATTEMPTS) {
        timer = setTimeout(() => {
          if (!settled) ask()
        }, RESERVE_WATCHDOG_MS)
      }
    }
    ask()
  })
}

/**
 * A reservation resolved, so a connection came up: reset the instance's reconnect backoff, as
 * postgres.js does itself after a connect, except for a connect a reservation started (it
 * returns before its reset while it fetches array types). Without this, every connection lost to
 * a fault grows the shared retry count for good, and the reconnect delay
 * (`(0.5…1) × min(3^retries / 100, 20)` s) reaches 10–20 s after a handful of faults.
 */
function resetReconnectBackoff(sql: PostgresJsSqlLike): void {
  const shared = sql.options?.shared
  if (shared && typeof shared.retries === 'number') shared.retries = 0
}

class PostgresJsConnection implements ScopedConnection {
  readonly #reserved: PostgresJsReservedLike
  readonly #prepare: boolean
  #backend: PostgresJsBackend | undefined
  /** Terminated by a deadline, or failed at the connection level: nothing more is sent on it. */
  #broken = false
  readonly [wireKey]: Wire

  constructor(reserved: PostgresJsReservedLike, prepare: boolean) {
    this.#reserved = reserved
    this.#prepare = prepare
    this[wireKey] = {
      pipelined: true,
      destroy: () => {
        // Nothing sent yet: the connection is clean and goes back as it is. Otherwise it may hold
        // an open transaction or unread answers: terminate it (postgres.js then drops it).
        if (!this.#backend) return
        this.#broken = true
        this.#backend.terminate()
      },
    }
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    // On a connection that failed, postgres.js would either write to its closed socket (a
    // TypeError thrown from a timer: an uncaught exception) or queue the query behind a close
    // that already happened (it never settles). Refuse instead.
    if (this.#broken || this.#backend?.reserved === null) throw connectionClosed()
    let result: PostgresJsResult
    try {
      result = await this.#reserved.unsafe(compiledQuery.sql, [...compiledQuery.parameters], {
        prepare: this.#prepare,
        // postgres.js names the backend connection here; returning true keeps its pipeline going.
        onexecute: (backend) => {
          this.#backend = backend
          return true
        },
      })
    } catch (error) {
      if (leavesConnectionBroken(error)) this.#broken = true
      throw error
    }
    return queryResult(result.command, result.count, Array.from(result) as R[])
  }

  // biome-ignore lint/correctness/useYield: not needed by the SDK; use the postgres.js instance directly
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not supported by the TripSage postgres.js dialect')
  }

  markBroken(): void {
    this.#broken = true
  }

  release(): void {
    // A closed connection is back in postgres.js's closed queue already; releasing it would put a
    // dead connection in the open queue. A broken one is terminated (which also fails any query
    // still waiting on it) and dropped the same way.
    if (this.#backend?.reserved === null) return
    if (this.#broken && this.#backend) {
      this.#backend.terminate()
      return
    }
    this.#reserved.release()
  }
}

/** The error of a query sent on a reservation whose connection already ended (postgres.js's code). */
function connectionClosed(): Error {
  return Object.assign(new Error('The database connection was closed'), { code: 'CONNECTION_CLOSED' })
}
