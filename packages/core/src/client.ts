import type { Kysely } from 'kysely'
import type { AttachmentsOptions } from './attachments/schema.js'
import { markBoundScope } from './db/bound-scopes.js'
import { toTripSageErrorIfDatabase } from './db/database-error.js'
import type { CallLimits } from './db/deadline.js'
import type { TripSageDatabase } from './db/schema.js'
import {
  bindScope,
  createServiceScope,
  createUserScope,
  type Scope,
  type ScopedTransaction,
  type ScopeOptions,
} from './db/scope.js'
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
  /**
   * A Kysely instance over the TripSage schema. In production use `createPostgresDatabase` from
   * `@tripsage/core/pg` (Node, `pg`) or `createPostgresJsDatabase` from
   * `@tripsage/core/postgres-js` (Deno, Supabase Edge Functions, Bun): their connections are
   * guarded against `'error'` events, destroyed when a deadline passes, and pipelined, so a
   * one-statement call costs one round trip. Embedded: `openEmbeddedDatabase()` (PGlite). Any
   * other Kysely Postgres dialect works too, with the fallbacks described in
   * `docs/guides/production-wiring.md`.
   */
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
   * The budget of every call, in milliseconds (default 15 000): checkout, statements and
   * `commit`. Past it the call fails with `unavailable` and its connection is destroyed; the
   * server ends the statement too. Override per user or per request with
   * `forUser(claims, { deadlineMs, signal })`, per transaction with `transaction(fn, limits)`.
   * `0` disables it.
   */
  deadlineMs?: number
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
   * Only for a `db` you built yourself over Kysely's own `PostgresDialect` with a `pg` pool created
   * with `pipeline: true`: the message that enters a scope then shares a round trip with the
   * call's first statement. Not needed with `@tripsage/core/pg` or `@tripsage/core/postgres-js`,
   * which the SDK detects (one round trip per one-statement call, no option).
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
  /**
   * Runs `fn` in ONE transaction as the user; everything inside commits or rolls back together.
   * Database and connection failures reject with a `TripSageError` (`unavailable` when the
   * database could not be reached or the deadline passed); errors `fn` throws itself pass through.
   *
   * @param fn - the calls to run together
   * @param limits - this transaction's deadline and signal (default: the client's)
   */
  transaction<T>(fn: (tx: UserTransaction) => Promise<T>, limits?: CallLimits): Promise<T>
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
  /**
   * Runs `fn` in one transaction as `service_role`; failures are mapped as in
   * `UserClient.transaction`.
   *
   * @param fn - the calls to run together
   * @param limits - this transaction's deadline and signal (default: the client's)
   */
  transaction<T>(fn: (tx: ServiceTransaction) => Promise<T>, limits?: CallLimits): Promise<T>
}

/** The SDK entry point returned by {@link createTripSage}. */
export interface TripSage {
  /** The Kysely instance it was created with. */
  readonly db: Kysely<TripSageDatabase>
  /**
   * A client acting as the user with these verified claims. Throws a `validation` error when
   * `claims.sub` is not a UUID.
   *
   * @param claims - the verified JWT claims
   * @param limits - the deadline and signal of this client's calls, e.g.
   *   `{ signal: request.signal }` per request (default: `deadlineMs` of {@link createTripSage})
   */
  forUser(claims: unknown, limits?: CallLimits): UserClient
  /** The service-scope client. */
  readonly service: ServiceClient
  /**
   * The service-scope client with its own deadline and signal.
   *
   * @param limits - the deadline and signal of this client's calls
   */
  forService(limits: CallLimits): ServiceClient
}

/** The default budget of one call: long enough for a cold connection through a pooler, short enough to fail fast. */
export const DEFAULT_DEADLINE_MS = 15_000

/**
 * Creates the SDK over injected ports. Reads no environment variables.
 *
 * @example
 * const tripsage = createTripSage({ db })
 * const me = tripsage.forUser(claims)
 */
export function createTripSage(options: TripSageOptions): TripSage {
  const defaults: CallLimits = { deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS }
  const scopeOptions = (limits: CallLimits | undefined): ScopeOptions => ({
    pipeline: options.pipeline === true,
    limits: { ...defaults, ...limits },
  })
  const serviceDb = options.serviceDb ?? options.db
  const forService = (limits?: CallLimits): ServiceClient => {
    const serviceScope = createServiceScope(serviceDb, scopeOptions(limits))
    return {
      ...createServiceRepositories(serviceScope, options),
      scope: serviceScope,
      transaction: (fn, callLimits) => {
        const scope = callLimits
          ? createServiceScope(serviceDb, scopeOptions({ ...limits, ...callLimits }))
          : serviceScope
        return mapTransactionErrors(
          scope.run((trx) => {
            const bound = bindScope(scope, trx)
            return fn({ ...createServiceRepositories(bound, options), db: trx, scope: bound })
          }),
        )
      },
    }
  }
  return {
    db: options.db,
    forUser(claims, limits) {
      const scope = createUserScope(options.db, claims, scopeOptions(limits))
      // The service steps taken on the user's behalf run under the same call limits.
      const service = createServiceScope(serviceDb, scopeOptions(limits))
      const userId = scope.userId as string
      // Repositories get the scope itself; the escape hatches (`scope`, `tx.db`, `tx.scope`) the
      // guarded transaction, which refuses SQL that would leave the user's role and claims.
      return {
        ...createUserRepositories(scope, options, service),
        userId,
        scope: guardUserScope(scope),
        transaction: (fn, callLimits) => {
          const txLimits = callLimits ? scopeOptions({ ...limits, ...callLimits }) : undefined
          const txScope = txLimits ? createUserScope(options.db, claims, txLimits) : scope
          const txService = txLimits ? createServiceScope(serviceDb, txLimits) : service
          return mapTransactionErrors(
            txScope.run((trx) => {
              const bound = markBoundScope(bindScope(txScope, trx))
              return fn({
                ...createUserRepositories(bound, options, txService),
                db: guardUserTransaction(trx, userId),
                scope: guardUserScope(bound),
              })
            }),
          )
        },
      }
    },
    service: forService(),
    forService,
  }
}

/** Database and connection failures of a transaction become `TripSageError`s; the callback's own errors pass. */
async function mapTransactionErrors<T>(run: Promise<T>): Promise<T> {
  try {
    return await run
  } catch (error) {
    throw toTripSageErrorIfDatabase(error)
  }
}
