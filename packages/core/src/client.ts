import type { Kysely } from 'kysely'
import type { AttachmentsOptions } from './attachments/schema.js'
import { markBoundScope } from './db/bound-scopes.js'
import type { TripSageDatabase } from './db/schema.js'
import { bindScope, createServiceScope, createUserScope, type Scope, type ScopedTransaction } from './db/scope.js'
import { guardUserScope, guardUserTransaction } from './db/user-scope-guard.js'
import type { Embedder } from './embeddings/embedder.js'
import type { KeysOptions } from './keys/schema.js'
import {
  createServiceRepositories,
  createUserRepositories,
  type ServiceRepositories,
  type UserRepositories,
} from './repositories.js'
import type { BlobStore } from './storage/blob-store.js'
import type { TracerLike } from './telemetry.js'

/** The ports {@link createTripSage} wires together. Only `db` is required. */
export interface TripSageOptions {
  /** Any Kysely instance over the TripSage schema: PGlite (embedded), `pg`, postgres.js… */
  db: Kysely<TripSageDatabase>
  /**
   * The Kysely instance of the service scope, when `db` logs in as the narrow user-scope role
   * (`tripsage_user_scope`: it can become only `authenticated`, so SQL inside a user scope cannot
   * `reset role` or `set role service_role`). It must log in as a role that may become
   * `service_role` (e.g. `postgres`). Default: `db` for both scopes. See
   * `docs/security-model.md`.
   */
  serviceDb?: Kysely<TripSageDatabase>
  /**
   * Where attachment bytes live: `supabaseStorage(client)` in production, `fileSystemStorage(…)`
   * (from `@tripsage/core/storage/fs`) embedded. Without it, `me.attachments` can still list and
   * read metadata; anything touching objects throws an `internal` error.
   */
  storage?: BlobStore
  /** Attachment limits: size, allowed types, signed URL lifetimes (safe defaults). */
  attachments?: AttachmentsOptions
  /** BYOK limits: allowed services, key lengths (safe defaults). */
  keys?: KeysOptions
  /** An OpenTelemetry tracer (or anything with `startSpan`); spans carry identifiers, never data or keys. */
  tracer?: TracerLike
  /**
   * Set when `db` runs on a `pg` pool created with `pipeline: true` (node-postgres pipeline mode):
   * the message that enters a scope then shares a round trip with the call's first statement, so
   * a one-statement call costs one round trip more than the bare statement instead of two.
   */
  pipeline?: boolean
  /**
   * Embeds memory contents and queries: `localEmbedder()` (offline, lexical) or
   * `aiSdkEmbedder(model)` from `@tripsage/core/ai-sdk`. Optional: without one, memory calls that
   * must embed text throw a `validation` error (calls passing `embedding` still work). Its
   * `dimensions` must be 1536 (the column size), else `createTripSage` throws `validation`.
   */
  embedder?: Embedder
}

/** What a user-scoped transaction callback receives: the same repositories, bound to one transaction. */
export type UserTransaction = UserRepositories & {
  /**
   * The Kysely transaction, running as the user (RLS applies): an escape hatch for custom SQL.
   * Statements that could change the role or the claims (`set role`, `reset role`,
   * `set_config('request.jwt.claims', …)`, `set session authorization`, DO blocks, DDL, dynamic
   * SQL) are refused with `forbidden` before they are sent, and a session found outside the
   * user's role and claims fails the transaction. Never build its SQL from untrusted text; see
   * `docs/security-model.md`.
   */
  readonly db: ScopedTransaction
  /** The scope bound to this transaction. */
  readonly scope: Scope
}

/** Calls made as one end user; Postgres RLS decides what they see and change. */
export type UserClient = UserRepositories & {
  /** The user's id (`claims.sub`). */
  readonly userId: string
  /** The scope every call of this client runs in. */
  readonly scope: Scope
  /** Runs `fn` in ONE transaction as the user; everything inside commits or rolls back together. */
  transaction<T>(fn: (tx: UserTransaction) => Promise<T>): Promise<T>
}

/** What a service-scoped transaction callback receives. */
export type ServiceTransaction = ServiceRepositories & {
  /** The Kysely transaction, running as `service_role`. */
  readonly db: ScopedTransaction
  /** The scope bound to this transaction. */
  readonly scope: Scope
}

/** Calls made as `service_role` (bypasses RLS): for jobs and admin paths that check ownership themselves. */
export type ServiceClient = ServiceRepositories & {
  /** The service scope. */
  readonly scope: Scope
  /** Runs `fn` in one transaction as `service_role`. */
  transaction<T>(fn: (tx: ServiceTransaction) => Promise<T>): Promise<T>
}

/** The SDK entry point returned by {@link createTripSage}. */
export interface TripSage {
  /** The Kysely instance it was created with. */
  readonly db: Kysely<TripSageDatabase>
  /**
   * A client acting as the user with these verified claims. Throws a `validation` error when
   * `claims.sub` is not a UUID.
   */
  forUser(claims: unknown): UserClient
  /** The service-scope client. */
  readonly service: ServiceClient
}

/**
 * Creates the SDK over injected ports. Reads no environment variables.
 *
 * @example
 * const tripsage = createTripSage({ db })
 * const me = tripsage.forUser(claims)
 */
export function createTripSage(options: TripSageOptions): TripSage {
  const scopeOptions = { pipeline: options.pipeline === true }
  const serviceScope = createServiceScope(options.serviceDb ?? options.db, scopeOptions)
  const service: ServiceClient = {
    ...createServiceRepositories(serviceScope, options),
    scope: serviceScope,
    transaction: (fn) =>
      serviceScope.run((trx) => {
        const bound = bindScope(serviceScope, trx)
        return fn({ ...createServiceRepositories(bound, options), db: trx, scope: bound })
      }),
  }
  return {
    db: options.db,
    forUser(claims) {
      const scope = createUserScope(options.db, claims, scopeOptions)
      const userId = scope.userId as string
      // Repositories get the scope itself; the escape hatches (`scope`, `tx.db`, `tx.scope`) the
      // guarded transaction, which refuses SQL that would leave the user's role and claims.
      return {
        ...createUserRepositories(scope, options),
        userId,
        scope: guardUserScope(scope),
        transaction: (fn) =>
          scope.run((trx) => {
            const bound = markBoundScope(bindScope(scope, trx))
            return fn({
              ...createUserRepositories(bound, options),
              db: guardUserTransaction(trx, userId),
              scope: guardUserScope(bound),
            })
          }),
      }
    },
    service,
  }
}
