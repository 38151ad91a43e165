import { type Kysely, sql, type Transaction } from 'kysely'
import { z } from 'zod'
import { ValidationError } from '../errors.js'
import type { TripSageDatabase } from './schema.js'

/**
 * Verified JWT claims of the end user, as the host app got them from Supabase Auth
 * (`supabase.auth.getClaims()`), or minted by `@tripsage/testing`. Only `sub` is required.
 */
export const UserClaims = z.looseObject({
  /** The user id (`auth.users.id`), a UUID: what `auth.uid()` returns inside the scope. */
  sub: z.uuid({ error: 'claims.sub must be the user id (a UUID)' }),
  /** Supabase Auth's Postgres role; when present it must be `authenticated`. */
  role: z.literal('authenticated', { error: 'claims.role must be "authenticated" for a user scope' }).optional(),
  /** The user's email, as Supabase Auth puts it in the token. */
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
   * Extra settings (GUCs such as `hnsw.ef_search`) set transaction-locally in the same statement
   * as the role and claims, saving a round trip. In a scope bound to an open transaction they are
   * set by one extra statement and last until that transaction ends.
   */
  settings?: Readonly<Record<string, string>>
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

/** Sets role, claims and any extra settings in a single statement, all local to the current transaction. */
async function enter(
  trx: ScopedTransaction,
  role: 'authenticated' | 'service_role',
  claims: object,
  options: ScopeRunOptions | undefined,
): Promise<void> {
  await sql`select set_config('role', ${role}, true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)${extraSettings(options)}`.execute(
    trx,
  )
}

/** `, set_config(name, value, true)` for each extra setting. */
function extraSettings(options: ScopeRunOptions | undefined) {
  const entries = Object.entries(options?.settings ?? {})
  return entries.length === 0
    ? sql``
    : sql`, ${sql.join(entries.map(([name, value]) => sql`set_config(${name}, ${value}, true)`))}`
}

/**
 * A scope running as the user: Postgres role `authenticated`, `request.jwt.claims` = the claims.
 *
 * @param db - the Kysely instance (connected as a role that may `SET ROLE authenticated`)
 * @param claims - verified claims; `sub` must be a UUID
 */
export function createUserScope(db: Kysely<TripSageDatabase>, claims: unknown): Scope {
  const parsed = parseUserClaims(claims)
  const jwt = { ...parsed, role: 'authenticated' }
  return {
    kind: 'user',
    userId: parsed.sub,
    run: (fn, options) =>
      db.transaction().execute(async (trx) => {
        await enter(trx, 'authenticated', jwt, options)
        return fn(trx)
      }),
  }
}

/**
 * The service scope: Postgres role `service_role` (bypasses RLS). Callers must check ownership.
 *
 * @param db - the Kysely instance
 */
export function createServiceScope(db: Kysely<TripSageDatabase>): Scope {
  return {
    kind: 'service',
    userId: null,
    run: (fn, options) =>
      db.transaction().execute(async (trx) => {
        await enter(trx, 'service_role', { role: 'service_role' }, options)
        return fn(trx)
      }),
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
      if (options?.settings && Object.keys(options.settings).length > 0) {
        await sql`select ${sql.join(Object.entries(options.settings).map(([name, value]) => sql`set_config(${name}, ${value}, true)`))}`.execute(
          trx,
        )
      }
      return fn(trx)
    },
  }
}
