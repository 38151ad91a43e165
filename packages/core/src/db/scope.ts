import { type Kysely, sql } from 'kysely'
import { z } from 'zod'
import { ValidationError } from '../errors.js'
import { type CallLimits, serverLimits, startDeadline } from './deadline.js'
import type { TripSageDatabase } from './schema.js'
import { type ScopeRole, settingsStatements } from './scope-entry.js'
import {
  runCombined,
  runInTransaction,
  runPipelined,
  type ScopeCall,
  type ScopedTransaction,
  withConnection,
} from './scope-paths.js'
import { wireOf } from './wire.js'

export { quoteLiteral, scopeEntryStatement } from './scope-entry.js'
export type { ScopedTransaction } from './scope-paths.js'

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
  /**
   * Each statement of the callback commits on its own (repositories declare it for calls whose
   * first statement is their only write): on a pipelining driver the entry, the statement and
   * `commit` leave together, so a one-statement call costs one round trip, like the bare
   * statement. A later statement (e.g. a read explaining why nothing was written) runs in a new
   * transaction of the same scope. An error thrown after a statement succeeded cannot undo it.
   * Other drivers ignore it (one transaction for the whole callback).
   */
  oneStatement?: boolean
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
  /** The deadline and cancellation signal of every call of this scope (see {@link CallLimits}). */
  limits?: CallLimits
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
 * How a Kysely instance enters scopes, learnt on its first call: `pipelined` when its connections
 * come from one of the SDK's drivers in a pipelining mode (see `wire.ts`), `combined` when its
 * driver runs a several-statement message (it sends parameterless statements with the simple
 * query protocol, as `pg` does, on a connection of its own), `transaction` when it refuses one
 * (e.g. the PGlite dialect, or kysely-postgres-js: extended-protocol queries refuse several
 * statements before running any) — then every call uses a Kysely transaction plus a
 * `set_config` statement.
 */
const entryModes = new WeakMap<Kysely<TripSageDatabase>, 'pipelined' | 'combined' | 'transaction'>()

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

/** Thrown inside the first call's transaction when the driver refused a several-statement message. */
class SeveralStatementsRefused extends Error {}

/** What a first call learnt from its connection: the result, or that the probe must run. */
const probeNeeded = Symbol('probe')

/** Runs `fn` in a scope, by the path this Kysely instance supports, within the call's deadline. */
async function runScoped<T>(
  db: Kysely<TripSageDatabase>,
  role: ScopeRole,
  claims: object,
  options: ScopeOptions,
  fn: (trx: ScopedTransaction) => Promise<T>,
  runOptions: ScopeRunOptions | undefined,
): Promise<T> {
  const deadline = startDeadline(options.limits ?? {})
  // The server ends the statement, and an abandoned transaction, at the same deadline.
  const settings = { ...serverLimits(deadline), ...runOptions?.settings }
  const call: ScopeCall<T> = { db, role, claims, settings, deadline, fn }
  const oneStatement = runOptions?.oneStatement === true
  try {
    return await deadline.race(runByMode(call, options, oneStatement))
  } finally {
    deadline.dispose()
  }
}

async function runByMode<T>(call: ScopeCall<T>, options: ScopeOptions, oneStatement: boolean): Promise<T> {
  const { db, deadline } = call
  // A Kysely transaction passed as `db` cannot host a scope (Kysely refuses to nest, as before);
  // the one-message path would instead commit the caller's transaction early.
  const mode = db.isTransaction ? 'transaction' : entryModes.get(db)
  if (mode === 'transaction') return runInTransaction(call)
  if (mode === 'pipelined' || mode === 'combined') {
    return withConnection(db, deadline, (connection) =>
      wireOf(connection)?.pipelined
        ? runPipelined(call, connection, oneStatement)
        : runCombined(call, connection, options.pipeline === true),
    )
  }
  // First call: a connection of one of the SDK's pipelining drivers says so at once.
  const pipelined = await withConnection(db, deadline, async (connection) => {
    if (!wireOf(connection)?.pipelined) return probeNeeded
    entryModes.set(db, 'pipelined')
    return runPipelined(call, connection, oneStatement)
  })
  if (pipelined !== probeNeeded) return pipelined as T
  // Otherwise a Kysely transaction whose settings go as one two-statement message. If the driver
  // refuses it, that happens inside our own transaction (PGlite's is exclusive), before fn.
  try {
    return await db.transaction().execute(async (trx) => {
      try {
        await sql.raw(settingsStatements(call.role, call.claims, call.settings)).execute(trx)
      } catch (error) {
        throw refusedSeveralStatements(error) ? new SeveralStatementsRefused() : error
      }
      entryModes.set(db, 'combined')
      return call.fn(trx)
    })
  } catch (error) {
    if (!(error instanceof SeveralStatementsRefused)) throw error
    entryModes.set(db, 'transaction')
    return runInTransaction(call)
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
