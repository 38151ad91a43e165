import {
  CompiledQuery,
  type ConnectionProvider,
  type DatabaseConnection,
  type Dialect,
  DummyDriver,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  Transaction,
} from 'kysely'
import { ForbiddenError } from '../errors.js'
import type { TripSageDatabase } from './schema.js'
import type { Scope, ScopedTransaction } from './scope.js'
import { screenUserScopeSql } from './sql-screen.js'

/**
 * The escape hatch of a user scope — the `db` of `me.transaction(({ db }) => …)` and the
 * transaction `me.scope.run(fn)` passes — guarded so that SQL sent through it cannot leave the
 * user's role and claims:
 *
 * 1. every query is screened before it is sent ({@link screenUserScopeSql}): statements that
 *    could change the role or the claims, directly or through dynamic SQL, are refused with a
 *    `forbidden` error and never reach the database;
 * 2. after every query, before its rows are returned, one statement checks that the session still
 *    runs as `authenticated` with this user's claims; if not, the transaction is failed (nothing
 *    commits, every later statement is refused) and a `forbidden` error is thrown.
 *
 * The repositories of the scope keep the unguarded transaction: their SQL is the SDK's own.
 * See `docs/security-model.md` for the trust boundary this draws.
 *
 * @param trx - the user scope's open transaction
 * @param userId - the user id the scope was opened for (`claims.sub`)
 */
export function guardUserTransaction(trx: ScopedTransaction, userId: string): ScopedTransaction {
  const executor = trx.getExecutor()
  const state = { failed: false }
  const provider: ConnectionProvider = {
    provideConnection: (consumer, options) =>
      executor.provideConnection((connection) => consumer(guardConnection(connection, userId, state)), options),
  }
  return new Transaction<TripSageDatabase>({
    config: { dialect: compileOnlyDialect },
    driver: new DummyDriver(),
    dialect: compileOnlyDialect,
    executor: executor.withConnectionProvider(provider),
  })
}

/**
 * A user scope whose `run` hands callbacks the guarded transaction ({@link guardUserTransaction}).
 * `client.ts` exposes this one as `me.scope` and `tx.scope`; repositories use the scope itself.
 *
 * @param scope - a user scope (or one bound to an open transaction)
 */
export function guardUserScope(scope: Scope): Scope {
  const userId = scope.userId
  if (scope.kind !== 'user' || userId === null) return scope
  return {
    kind: scope.kind,
    userId,
    run: (fn, options) => scope.run((trx) => fn(guardUserTransaction(trx, userId)), options),
  }
}

/** A dialect for transactions over an already-open connection: it only compiles. */
const compileOnlyDialect: Dialect = {
  createAdapter: () => new PostgresAdapter(),
  createDriver: () => new DummyDriver(),
  createIntrospector: (db) => new PostgresIntrospector(db),
  createQueryCompiler: () => new PostgresQueryCompiler(),
}

/**
 * One row, `intact`: the statement runs as `authenticated`, and `auth.uid()` / `auth.role()` —
 * what the policies read — still say this user. Errors (e.g. claims that are not JSON) count as
 * not intact.
 */
const intactQuery =
  "select (current_user = 'authenticated' and coalesce(auth.role(), '') = 'authenticated' and auth.uid() is not distinct from $1::uuid) as intact"

/** Raises, so that the transaction is aborted: nothing after it runs and nothing commits. */
const failTransaction =
  "do $$ begin raise exception using errcode = '42501', message = 'this user scope changed its role or claims'; end $$"

function refused(reason: string): ForbiddenError {
  return new ForbiddenError(`SQL in a user scope cannot do this: it ${reason}`, {
    details: { reason: 'user_scope_escape' },
  })
}

function guardConnection(
  connection: DatabaseConnection,
  userId: string,
  state: { failed: boolean },
): DatabaseConnection {
  async function screen(query: CompiledQuery): Promise<void> {
    if (state.failed) throw refused('ran after the scope changed its role or claims')
    const refusal = screenUserScopeSql(query.sql)
    if (refusal) throw refused(refusal)
  }

  async function verify(): Promise<void> {
    let intact = false
    try {
      const { rows } = await connection.executeQuery<{ intact: boolean }>(CompiledQuery.raw(intactQuery, [userId]))
      intact = rows[0]?.intact === true
    } catch {
      intact = false
    }
    if (intact) return
    state.failed = true
    await connection.executeQuery(CompiledQuery.raw(failTransaction)).catch(() => undefined)
    throw refused('changed its role or claims; the transaction was failed')
  }

  return {
    async executeQuery<R>(query: CompiledQuery, options?: Parameters<DatabaseConnection['executeQuery']>[1]) {
      await screen(query)
      const result = await connection.executeQuery<R>(query, options)
      await verify()
      return result
    },
    async *streamQuery<R>(
      query: CompiledQuery,
      chunkSize: number,
      options?: Parameters<DatabaseConnection['streamQuery']>[2],
    ): AsyncIterableIterator<QueryResult<R>> {
      await screen(query)
      // Rows are held back until the check has run, as for executeQuery.
      const chunks: QueryResult<R>[] = []
      for await (const chunk of connection.streamQuery<R>(query, chunkSize, options)) chunks.push(chunk)
      await verify()
      yield* chunks
    },
  }
}
