/**
 * `@tripsage/core` — typed, RLS-first repositories for a travel-planning AI app on Supabase.
 *
 * @packageDocumentation
 */
export * from './chat/index.js'
export {
  createTripSage,
  type ServiceClient,
  type ServiceTransaction,
  type TripSage,
  type TripSageOptions,
  type UserClient,
  type UserTransaction,
} from './client.js'
export { type DatabaseErrorInfo, databaseErrorInfo, toTripSageError } from './db/database-error.js'
export {
  bundledMigrations,
  bundledPlatform,
  type MigrateOptions,
  type MigrateResult,
  type Migration,
  migrate,
} from './db/migrate.js'
export { applyPlatform } from './db/platform.js'
export type { Database, TripSageDatabase, VectorColumn } from './db/schema.js'
export { parseUserClaims, type Scope, type ScopedTransaction, UserClaims } from './db/scope.js'
export type { SqlFile } from './db/sql-bundle.generated.js'
export {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  TripSageError,
  type TripSageErrorCode,
  type TripSageErrorOptions,
  UnavailableError,
  ValidationError,
} from './errors.js'
export { codePointLength, isStorableText, JsonObject, JsonValue } from './json-value.js'
export type { Page } from './pagination.js'
export * from './realtime/index.js'
export * from './search-cache/index.js'
