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
import { TripSageError } from '../errors.js'
import type { Deadline } from './deadline.js'
import type { TripSageDatabase } from './schema.js'
import { type ScopeRole, type ScopeSettings, scopeEntryStatement, settingsQuery } from './scope-entry.js'
import { commitWasRolledBack, wireOf } from './wire.js'

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
    return use(connection)
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
 * together. A call declared `oneStatement` also sends `commit` right behind its statement: one
 * round trip in all, as for the bare statement. Otherwise each later statement costs its own
 * round trip and `commit` one more (n statements: n + 1).
 *
 * Each query carries its own Sync, so a failed statement does not swallow the `commit` behind it:
 * PostgreSQL answers that `commit` with `ROLLBACK`, and the statement's error is reported.
 */
export function runPipelined<T>(call: ScopeCall<T>, connection: DatabaseConnection, oneStatement: boolean): Promise<T> {
  const send = (query: CompiledQuery) => connection.executeQuery(query)
  let entered: Promise<{ error: unknown } | null> | undefined
  let committing: Promise<QueryResult<unknown>> | undefined
  let statements = 0
  let open = true
  const scoped: DatabaseConnection = {
    executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      if (oneStatement && statements > 0) {
        return Promise.reject(
          new TripSageError('internal', 'A call declared as one statement sent a second one (an SDK bug)'),
        )
      }
      statements++
      if (!entered)
        entered = settle(
          Promise.all([send(CompiledQuery.raw('begin')), send(settingsQuery(call.role, call.claims, call.settings))]),
        )
      const result = send(query) as Promise<QueryResult<R>>
      if (oneStatement) {
        committing = send(CompiledQuery.raw('commit'))
        settle(committing)
      }
      return result
    },
    streamQuery: () => {
      throw new Error('Streaming is not supported inside a scope')
    },
  }
  const executor = call.db.getExecutor().withConnectionProvider(new SingleConnectionProvider(scoped))
  return (async () => {
    try {
      const result = await call.fn(boundTransaction(executor, () => open))
      open = false
      if (!entered) return result // nothing was sent: no transaction was opened
      const failed = await entered
      if (failed) throw failed.error
      const { rows } = await (committing ?? send(CompiledQuery.raw('commit')))
      if (commitWasRolledBack(rows)) throw new AbortedTransactionError()
      return result
    } catch (error) {
      if (!open || !entered) throw error
      open = false
      const failed = await entered
      // With `commit` already sent behind the statement, the transaction has ended either way.
      if (committing) await settle(committing)
      else await settle(send(CompiledQuery.raw('rollback')))
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
