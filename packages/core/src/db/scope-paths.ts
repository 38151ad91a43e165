import {
  AbortedTransactionError,
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  DummyDriver,
  type Kysely,
  type KyselyPlugin,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryExecutor,
  type QueryResult,
  SingleConnectionProvider,
  sql,
  Transaction,
} from 'kysely'
import type { Deadline } from './deadline.js'
import type { TripSageDatabase } from './schema.js'
import { type ScopeRole, type ScopeSettings, scopeEntryStatement, settingsQuery } from './scope-entry.js'
import { commitWasRolledBack, type Wire, wireKey, wireOf } from './wire.js'

/** A Kysely transaction with a scope's role and claims set. */
export type ScopedTransaction = Transaction<TripSageDatabase>

/** What every path gets: where to run, as whom, and the call's deadline. */
export interface ScopeCall<T> {
  readonly db: Kysely<TripSageDatabase>
  readonly role: ScopeRole
  readonly claims: object
  readonly settings: ScopeSettings
  readonly deadline: Deadline
  readonly fn: (trx: ScopedTransaction) => Promise<T>
}

/** A dialect for transactions bound to an already-open connection: it only compiles. */
const boundDialect: Dialect = {
  createAdapter: () => new PostgresAdapter(),
  createDriver: () => new DummyDriver(),
  createIntrospector: (db) => new PostgresIntrospector(db),
  createQueryCompiler: () => new PostgresQueryCompiler(),
}

/**
 * A `Transaction` over one connection, usable only while `isOpen()`: like any Kysely transaction,
 * `transaction()`, `connection()` and `destroy()` throw (nothing can commit the scope early), and
 * a query sent through a reference kept after the scope ended throws instead of running on a
 * connection that is back in the pool.
 */
function boundTransaction(executor: QueryExecutor, isOpen: () => boolean): ScopedTransaction {
  const guard: KyselyPlugin = {
    transformQuery: ({ node }) => {
      if (!isOpen()) throw new Error('This scoped transaction has ended; run queries inside the scope callback')
      return node
    },
    transformResult: async ({ result }) => result,
  }
  return new Transaction<TripSageDatabase>({
    config: { dialect: boundDialect },
    driver: new DummyDriver(),
    dialect: boundDialect,
    executor: executor.withPlugin(guard),
  })
}

/**
 * Takes a connection for the call. If the deadline passed before the pool handed one over, the
 * call has already failed: the connection goes straight back. Once held, a cancellation
 * destroys it (when the driver is one of the SDK's), so it never returns to the pool with an open
 * transaction or unread answers.
 */
export function withConnection<T>(
  db: Kysely<TripSageDatabase>,
  deadline: Deadline,
  use: (connection: DatabaseConnection) => Promise<T>,
): Promise<T> {
  return db.getExecutor().provideConnection(async (connection) => {
    if (deadline.cancelled) throw deadline.cancelled
    const wire = wireOf(connection)
    if (wire) deadline.onCancel(() => wire.destroy())
    // After a cancellation the callback may still be running: nothing more reaches the server
    // (the caller was told `unavailable`; a late write must not follow).
    const guarded: DatabaseConnection & { [wireKey]?: Wire } = {
      executeQuery: (query) =>
        deadline.cancelled ? Promise.reject(deadline.cancelled) : connection.executeQuery(query),
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
      ...(wire ? { [wireKey]: wire } : {}),
    }
    return use(guarded)
  })
}

/** Swallows a rejection we observe elsewhere (or do not need): never an unhandled rejection. */
function settle<T>(promise: Promise<T>): Promise<{ error: unknown } | null> {
  return promise.then(
    () => null,
    (error: unknown) => ({ error }),
  )
}

/**
 * The pipelined path (the SDK's drivers: pg in pipeline mode, postgres.js). Nothing is sent until
 * the callback's first statement; then `begin`, the settings statement and that statement leave
 * together. Each query carries its own Sync, so a failed statement does not swallow what follows:
 * PostgreSQL answers a `commit` behind it with `ROLLBACK`, and the statement's error is reported.
 *
 * - Without `oneStatement`, each later statement costs its own round trip and `commit` one more
 *   (n statements: n + 1 round trips).
 * - With `oneStatement` (declared by repositories whose first statement is their only write),
 *   `commit` leaves right behind each statement, so a one-statement call costs one round trip,
 *   like the bare statement. A later statement (a read explaining why nothing was written) gets
 *   its own entry and `commit` in the same flight: still the same scope, one round trip more.
 */
export function runPipelined<T>(call: ScopeCall<T>, connection: DatabaseConnection, oneStatement: boolean): Promise<T> {
  const send = (query: CompiledQuery) => connection.executeQuery(query)
  /** One transaction each: its entry's outcome and, once sent, its `commit`. */
  const rounds: Array<{ entered: Promise<{ error: unknown } | null>; committing?: Promise<QueryResult<unknown>> }> = []
  let open = true
  const scoped: DatabaseConnection = {
    executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      if (oneStatement || rounds.length === 0) {
        const begin = send(CompiledQuery.raw('begin'))
        const settings = send(settingsQuery(call.role, call.claims, call.settings))
        rounds.push({ entered: settle(Promise.all([begin, settings])) })
      }
      const result = send(query) as Promise<QueryResult<R>>
      if (oneStatement) {
        const round = rounds.at(-1) as (typeof rounds)[number]
        round.committing = send(CompiledQuery.raw('commit'))
        settle(round.committing)
      }
      return result
    },
    streamQuery: () => {
      throw new Error('Streaming is not supported inside a scope')
    },
  }
  const executor = call.db.getExecutor().withConnectionProvider(new SingleConnectionProvider(scoped))
  const firstEntryFailure = async () => {
    for (const round of rounds) {
      const failed = await round.entered
      if (failed) return failed
    }
    return null
  }
  return (async () => {
    try {
      const result = await call.fn(boundTransaction(executor, () => open))
      open = false
      const failed = await firstEntryFailure()
      if (failed) throw failed.error
      if (rounds.length === 1 && !oneStatement) rounds[0]!.committing = send(CompiledQuery.raw('commit'))
      for (const round of rounds) {
        const { rows } = await (round.committing as Promise<QueryResult<unknown>>)
        if (commitWasRolledBack(rows)) throw new AbortedTransactionError()
      }
      return result
    } catch (error) {
      if (!open || rounds.length === 0) throw error
      open = false
      const failed = await firstEntryFailure()
      // A round whose `commit` was sent has ended either way; an open one is rolled back.
      for (const round of rounds) await settle(round.committing ?? send(CompiledQuery.raw('rollback')))
      throw failed ? failed.error : error
    }
  })()
}

/**
 * The one-message path (a `pg` pool without pipeline mode): one message opens the transaction and
 * sets role and claims (one round trip where a Kysely transaction plus a `set_config` statement
 * take two); with `pipeline` it is sent without waiting, so it shares a round trip with the
 * call's first statement. Then `commit`.
 */
export function runCombined<T>(call: ScopeCall<T>, connection: DatabaseConnection, pipeline: boolean): Promise<T> {
  // The entry goes straight to the connection, and the callback's statements through a provider
  // of their own, so neither waits on the other's answer (Kysely's single-connection provider
  // would serialise them); the driver decides whether they share a round trip.
  const executor = call.db.getExecutor().withConnectionProvider(new SingleConnectionProvider(connection))
  const send = (text: string) => connection.executeQuery(CompiledQuery.raw(text))
  let open = true
  // A failed entry failed after `begin` (the message is fixed text around escaped literals), so
  // statements pipelined behind it fail too: the transaction is aborted.
  const entered = settle(send(scopeEntryStatement(call.role, call.claims, call.settings)))
  const rollback = () => settle(send('rollback'))
  return (async () => {
    if (!pipeline) {
      const failed = await entered
      if (failed) {
        await rollback()
        throw failed.error
      }
    }
    try {
      const result = await call.fn(boundTransaction(executor, () => open))
      const failed = await entered
      if (failed) throw failed.error
      open = false
      const { rows } = await send('commit')
      if (commitWasRolledBack(rows)) throw new AbortedTransactionError()
      return result
    } catch (error) {
      if (!open) throw error
      open = false
      const failed = await entered
      // A rollback that fails means the connection is gone (the driver then drops it from the
      // pool); the failure that led here is the error worth reporting.
      await rollback()
      throw failed ? failed.error : error
    }
  })()
}

/** The portable path: a Kysely transaction, then one `set_config` statement. */
export function runInTransaction<T>(call: ScopeCall<T>): Promise<T> {
  return call.db.transaction().execute(async (trx) => {
    await sql`select set_config('role', ${call.role}, true), set_config('request.jwt.claims', ${JSON.stringify(call.claims)}, true)${extraSettings(call.settings)}`.execute(
      trx,
    )
    return call.fn(trx)
  })
}

/** `, set_config(name, value, true)` for each extra setting, as parameters. */
export function extraSettings(settings: ScopeSettings) {
  const entries = Object.entries(settings ?? {})
  return entries.length === 0
    ? sql``
    : sql`, ${sql.join(entries.map(([name, value]) => sql`set_config(${name}, ${value}, true)`))}`
}
