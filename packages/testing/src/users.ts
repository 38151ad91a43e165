import { randomUUID } from 'node:crypto'
import type { UserClaims } from '@tripsage/core'
import { type Kysely, sql } from 'kysely'

/** Options of {@link createTestUser}. */
export interface TestUserOptions {
  /** Defaults to `user-<random>@example.test`. */
  email?: string
  /** A fixed id; random when omitted. */
  id?: string
  /** Stored in `raw_user_meta_data`. */
  metadata?: Record<string, unknown>
}

/** A user in `auth.users` with claims shaped like Supabase Auth's access-token claims. */
export interface TestUser {
  /** The user's id in `auth.users` (a UUID; `claims.sub`). */
  readonly id: string
  /** The user's email. */
  readonly email: string
  /** Pass to `tripsage.forUser(claims)`. */
  readonly claims: UserClaims
}

/**
 * Inserts a user into `auth.users` (the platform stand-in or a real Supabase database, when
 * connected as a superuser) and returns claims for `forUser`.
 *
 * @param db - a Kysely instance connected as a superuser (e.g. `createTestDatabase().db`)
 */
export async function createTestUser(db: Kysely<any>, options: TestUserOptions = {}): Promise<TestUser> {
  const id = options.id ?? randomUUID()
  const email = options.email ?? `user-${id.slice(0, 8)}@example.test`
  await sql`
    insert into auth.users (id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data)
    values (${id}, 'authenticated', 'authenticated', ${email}, now(),
            ${JSON.stringify({ provider: 'email', providers: ['email'] })}::jsonb,
            ${JSON.stringify(options.metadata ?? {})}::jsonb)
  `.execute(db)
  return { id, email, claims: userClaims(id, email) }
}

/**
 * Claims shaped like a Supabase Auth access token for this user (what `auth.getClaims()` returns).
 *
 * @param id - the user id
 * @param email - the user's email
 */
export function userClaims(id: string, email?: string): UserClaims {
  const now = Math.floor(Date.now() / 1000)
  return {
    sub: id,
    role: 'authenticated',
    aud: 'authenticated',
    ...(email ? { email } : {}),
    iat: now,
    exp: now + 3600,
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: {},
    is_anonymous: false,
  }
}
