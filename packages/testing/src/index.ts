/**
 * `@tripsage/testing` — test your app against the TripSage SDK with no cloud account.
 *
 * @packageDocumentation
 * @module @tripsage/testing
 */
export {
  createEmbeddedTestDatabase,
  type EmbeddedTestDatabase,
  type EmbeddedTestDatabaseOptions,
} from './embedded-database.js'
export { platformAndMigrationsFingerprint } from './fingerprint.js'
export {
  type NativeConnection,
  type NativeConnector,
  type NativeTestDatabases,
  type PgPoolLike,
  pgPoolConnector,
} from './native-database.js'
export { parseTap, runPgTap, type ScriptRunner, type TapAssertion, type TapFileResult } from './pgtap.js'
export { type PostgresServer, type PostgresServerOptions, startPostgresServer } from './postgres-server.js'
export {
  type RecordedStorageRequest,
  type StorageApiBucket,
  type StorageApiServer,
  type StorageApiServerOptions,
  type StoredObject,
  startStorageApiServer,
} from './storage-api-server.js'
export {
  databaseStoragePolicies,
  firstFolderPolicies,
  type StorageCaller,
  type StoragePolicies,
} from './storage-policies.js'
export {
  configuredTestDatabaseEngine,
  configureTestDatabases,
  createTestDatabase,
  type TestDatabase,
  type TestDatabaseOptions,
} from './test-database.js'
export {
  type BridgeFailure,
  startUpstashBridge,
  type UpstashBridge,
  type UpstashBridgeOptions,
} from './upstash/bridge.js'
export { type RedisServer, type RedisServerOptions, startRedisServer } from './upstash/redis-server.js'
export { createTestUser, type TestUser, type TestUserOptions, userClaims } from './users.js'
