import {
  AbortedTransactionError,
  CompiledQuery,
  type Dialect,
  DummyDriver,
  type Kysely,
  type KyselyPlugin,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryExecutor,
  SingleConnectionProvider,
  sql,
  Transaction,
} from 'kysely'
import { z } from 'zod'
import { ValidationError } from '../errors.js'
import type { TripSageDatabase } from './schema.js'

/**
 * Verified JWT claims of the end user, as the host app got them from Supabase Auth
 * (`supabase.auth.getClaims()`), or minted by `@tripsage/testing`. Only `sub` is required.
 */
export const UserClaims = z.looseObject({
  /** The user id (`auth.users.id`), a UUID. */
  sub: z.uuid({ error: 'claims.sub must be the user id (a UUID)' }),
  /** Supabase's role claim; only `authenticated` is accepted for a user scope. */
  role: z.literal('authenticated', { error: 'claims.role must be "authenticated" for a user scope' }).optional(),
  /** The user's email, when the token carries it. */
  email: z.string().optional(),
})

/** Verified JWT claims of the end user; see the {@link UserClaims} schema. */
export type UserClaims = z.infer<typeof UserClaims>

/** A Kysely transaction with a scope's role and claims set. */
export type ScopedTransaction = Transaction<TripSageDatabase>

/**
 * Where SDK calls run. A user scope runs as Postgres role `authenticated` with the user's claims,
 * so RLS decides; the service scope runs as `service_role` (bypasses RLS) and must check
 * ownership itself.
 */
export interface Scope {
  /** `user` for `forUser(claims)`, `service` for `tripsage.service`. */
  readonly kind: 'user' | 'service'
  /** The user id (`claims.sub`) of a user scope; null for the service scope. */
  readonly userId: string | null
  /**
   * Runs `fn` in one transaction whose first statement sets the role and claims
   * (transaction-local, so nothing reaches the next borrower of a pooled connection). Inside a
   * scope bound to an open transaction it reuses that transaction.
   */
  run<T>(fn: (trx: ScopedTransaction) => Promise<T>, options?: ScopeRunOptions): Promise<T>
}

/** Options of {@link Scope.run}. */
export interface ScopeRunOptions {
  /**
   * Extra settings (GUCs such as `hnsw.ef_search`) set transaction-locally in the same message as
   * the role and claims, saving a round trip. In a scope bound to an open transaction they are
   * set by one extra statement and last until that transaction ends.
   */
  settings?: Readonly<Record<string, string>>
}

/** How scopes talk to the database; see `createUserScope`. */
export interface ScopeOptions {
  /**
   * Send the statement that enters the scope without waiting for its answer, in the same round
   * trip as the call's first statement. Set it only when `db` runs on a `pg` pool created with
   * `pipeline: true` (node-postgres pipeline mode); other drivers would queue the statements
   * anyway. It is used only once the database has accepted the one-message entry (see
   * `docs/decisions/0005-scope-round-trips.md`).
   */
  pipeline?: boolean
}

/**
 * Parses claims for a user scope; throws a `validation` {@link ValidationError} when `sub` is not
 * a UUID or `role` is not `authenticated`.
 */
export function parseUserClaims(claims: unknown): UserClaims {
  const parsed = UserClaims.safeParse(claims)
  if (!parsed.success) {
    throw new ValidationError('Invalid user claims', {
      details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
    })
  }
  return parsed.data
}

/**
 * `value` as a Postgres string literal that reads back as exactly `value`, whatever the server's
 * `standard_conforming_strings`: the `E'…'` form, with backslashes and quotes doubled. Throws on
 * NUL, which no Postgres string can hold.
 *
 * @param value - any string without NUL characters
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new ValidationError('A SQL literal cannot contain NUL characters')
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
}

type ScopeRole = 'authenticated' | 'service_role'

/** `, set_config(name, value, true)` for each extra setting, as SQL text. */
function extraSettingsText(settings: ScopeRunOptions['settings']): string {
  return Object.entries(settings ?? {})
    .map(([name, value]) => `, set_config(${quoteLiteral(name)}, ${quoteLiteral(value)}, true)`)
    .join('')
}

/**
 * The statements that set a scope's role, claims and extra settings, transaction-locally, as SQL
 * text: two statements, so that a driver refusing several statements per message says so.
 */
function settingsStatements(role: ScopeRole, claims: object, settings?: ScopeRunOptions['settings']): string {
  return `select set_config('role', ${quoteLiteral(role)}, true); select set_config('request.jwt.claims', ${quoteLiteral(JSON.stringify(claims))}, true)${extraSettingsText(settings)}`
}

/**
 * The one message that opens a scope: `begin`, then role and claims set transaction-locally. The
 * claims travel inlined as a literal, because a message with several statements must use the
 * simple query protocol, which has no parameters.
 *
 * @param role - the Postgres role of the scope
 * @param claims - the JWT claims (`request.jwt.claims`)
 * @param settings - extra transaction-local settings (names and values are inlined as literals too)
 */
export function scopeEntryStatement(role: ScopeRole, claims: object, settings?: ScopeRunOptions['settings']): string {
  return `begin; ${settingsStatements(role, claims, settings)}`
}

/**
 * How a Kysely instance enters scopes, learnt on its first call: `combined` when its driver runs
 * a several-statement message (it sends parameterless statements with the simple query protocol,
 * as `pg` and postgres.js do, on a connection of its own), `transaction` when it refuses one
 * (e.g. the PGlite dialect: extended-protocol queries refuse several statements before running
 * any) — then every call uses a Kysely transaction plus a `set_config` statement.
 */
const entryModes = new WeakMap<Kysely<TripSageDatabase>, 'combined' | 'transaction'>()

/** Postgres refused several statements in one prepared statement (nothing ran). */
function refusedSeveralStatements(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null
  return (
    typeof e === 'object' &&
    e !== null &&
    e.code === '42601' &&
    typeof e.message === 'string' &&
    e.message.includes('multiple commands')
  )
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
 * The cheap path: one message opens the transaction and sets role and claims (one round trip
 * where a Kysely transaction plus a `set_config` statement take two); with `pipeline` it is sent
 * without waiting, so it shares a round trip with the call's first statement. Then `commit`.
 */
function runCombined<T>(
  db: Kysely<TripSageDatabase>,
  role: ScopeRole,
  claims: object,
  pipeline: boolean,
  settings: ScopeRunOptions['settings'],
  fn: (trx: ScopedTransaction) => Promise<T>,
): Promise<T> {
  return db.getExecutor().provideConnection(async (connection) => {
    // The entry goes straight to the connection, and the callback's statements through a
    // provider of their own, so neither waits on the other's answer (Kysely's single-connection
    // provider would serialise them); the driver decides whether they share a round trip.
    const executor = db.getExecutor().withConnectionProvider(new SingleConnectionProvider(connection))
    const send = (text: string) => connection.executeQuery(CompiledQuery.raw(text))
    let open = true
    // A failed entry failed after `begin` (the message is fixed text around escaped literals),
    // so statements pipelined behind it fail too: the transaction is aborted.
    const entered = send(scopeEntryStatement(role, claims, settings)).then(
      () => null,
      (error: unknown) => ({ error }),
    )
    const rollback = () => send('rollback').catch(() => undefined)
    if (!pipeline) {
      const failed = await entered
      if (failed) {
        await rollback()
        throw failed.error
      }
    }
    try {
      const result = await fn(boundTransaction(executor, () => open))
      const failed = await entered
      if (failed) throw failed.error
      open = false
      const { rows } = await send('commit')
      if ((rows[0] as { command?: string } | undefined)?.command === 'ROLLBACK') throw new AbortedTransactionError()
      return result
    } catch (error) {
      if (!open) throw error
      open = false
      const failed = await entered
      // A rollback that fails means the connection is gone (`pg` then drops it from the pool);
      // the failure that led here is the error worth reporting.
      await rollback()
      throw failed ? failed.error : error
    }
  })
}

/** The portable path: a Kysely transaction, then one `set_config` statement. */
function runInTransaction<T>(
  db: Kysely<TripSageDatabase>,
  role: ScopeRole,
  claims: object,
  settings: ScopeRunOptions['settings'],
  fn: (trx: ScopedTransaction) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('role', ${role}, true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)${extraSettings(settings)}`.execute(
      trx,
    )
    return fn(trx)
  })
}

/** `, set_config(name, value, true)` for each extra setting, as parameters. */
function extraSettings(settings: ScopeRunOptions['settings']) {
  const entries = Object.entries(settings ?? {})
  return entries.length === 0
    ? sql``
    : sql`, ${sql.join(entries.map(([name, value]) => sql`set_config(${name}, ${value}, true)`))}`
}

/** Thrown inside the first call's transaction when the driver refused a several-statement message. */
class SeveralStatementsRefused extends Error {}

/** Runs `fn` in a scope, by the path this Kysely instance supports. */
async function runScoped<T>(
  db: Kysely<TripSageDatabase>,
  role: ScopeRole,
  claims: object,
  options: ScopeOptions,
  fn: (trx: ScopedTransaction) => Promise<T>,
  runOptions: ScopeRunOptions | undefined,
): Promise<T> {
  const settings = runOptions?.settings
  // A Kysely transaction passed as `db` cannot host a scope (Kysely refuses to nest, as before);
  // the one-message path would instead commit the caller's transaction early.
  const mode = db.isTransaction ? 'transaction' : entryModes.get(db)
  if (mode === 'combined') return runCombined(db, role, claims, options.pipeline === true, settings, fn)
  if (mode === 'transaction') return runInTransaction(db, role, claims, settings, fn)
  // First call: a Kysely transaction whose settings go as one two-statement message. If the
  // driver refuses it, that happens inside our own transaction (PGlite's is exclusive), before fn.
  try {
    return await db.transaction().execute(async (trx) => {
      try {
        await sql.raw(settingsStatements(role, claims, settings)).execute(trx)
      } catch (error) {
        throw refusedSeveralStatements(error) ? new SeveralStatementsRefused() : error
      }
      entryModes.set(db, 'combined')
      return fn(trx)
    })
  } catch (error) {
    if (!(error instanceof SeveralStatementsRefused)) throw error
    entryModes.set(db, 'transaction')
    return runInTransaction(db, role, claims, settings, fn)
  }
}

/**
 * A scope running as the user: Postgres role `authenticated`, `request.jwt.claims` = the claims.
 *
 * @param db - the Kysely instance (connected as a role that may `SET ROLE authenticated`)
 * @param claims - verified claims; `sub` must be a UUID
 * @param options - see {@link ScopeOptions}
 */
export function createUserScope(db: Kysely<TripSageDatabase>, claims: unknown, options: ScopeOptions = {}): Scope {
  const parsed = parseUserClaims(claims)
  const jwt = { ...parsed, role: 'authenticated' }
  return {
    kind: 'user',
    userId: parsed.sub,
    run: (fn, runOptions) => runScoped(db, 'authenticated', jwt, options, fn, runOptions),
  }
}

/**
 * The service scope: Postgres role `service_role` (bypasses RLS). Callers must check ownership.
 *
 * @param db - the Kysely instance
 * @param options - see {@link ScopeOptions}
 */
export function createServiceScope(db: Kysely<TripSageDatabase>, options: ScopeOptions = {}): Scope {
  return {
    kind: 'service',
    userId: null,
    run: (fn, runOptions) => runScoped(db, 'service_role', { role: 'service_role' }, options, fn, runOptions),
  }
}

/**
 * A scope bound to an open transaction (inside `me.transaction(...)`): every call reuses it, so
 * several repository calls commit or roll back together.
 */
export function bindScope(scope: Scope, trx: ScopedTransaction): Scope {
  return {
    kind: scope.kind,
    userId: scope.userId,
    run: async (fn, options) => {
      const entries = Object.entries(options?.settings ?? {})
      if (entries.length > 0) {
        await sql`select ${sql.join(entries.map(([name, value]) => sql`set_config(${name}, ${value}, true)`))}`.execute(
          trx,
        )
      }
      return fn(trx)
    },
  }
}
