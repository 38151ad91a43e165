/**
 * `@tripsage/core/pg` — the production wiring for Node with `pg` (node-postgres): a pool that
 * cannot crash its host, in pipeline mode so a one-statement SDK call costs one round trip.
 *
 * @packageDocumentation
 * @module @tripsage/core/pg
 */
import { Kysely } from 'kysely'
import pg from 'pg'
import { type PgPoolLike, pgDialect } from './db/drivers/pg-driver.js'
import type { TripSageDatabase } from './db/schema.js'

export { type PgDialectOptions, pgDialect } from './db/drivers/pg-driver.js'

/** Options of {@link createPostgresPool} and {@link createPostgresDatabase}. */
export interface PostgresPoolOptions {
  /**
   * The connection string. On Supabase: the Supavisor transaction pooler (port 6543) for
   * serverless and many short-lived instances, the session pooler (port 5432) or the direct
   * connection for long-running servers. Never logged by the SDK.
   */
  connectionString: string
  /** Connections in the pool (default 10). Keep `max × instances` under the pooler's limit. */
  max?: number
  /**
   * How long a checkout may wait for a connection, in ms (default 5 000). The SDK's per-call
   * deadline applies as well; this bounds a connect that hangs.
   */
  connectionTimeoutMillis?: number
  /**
   * How long a connection may sit idle before the pool closes it, in ms (default 30 000): below
   * the idle limits of poolers and load balancers, so the pool rarely hands out a dead socket.
   */
  idleTimeoutMillis?: number
  /** Closes a connection after this many seconds of life (default 0: never), e.g. to follow failovers. */
  maxLifetimeSeconds?: number
  /** TLS options, passed to `pg` as `ssl` (e.g. `{ ca }`); by default the connection string decides. */
  ssl?: pg.PoolConfig['ssl']
  /** Told about connection errors that reach no query (see `PgDialectOptions.onConnectionError`). */
  onConnectionError?: (error: Error) => void
  /** `application_name` shown in `pg_stat_activity` (default `tripsage`). */
  applicationName?: string
}

/**
 * A `pg.Pool` for the SDK: pipeline mode (queries are written without waiting for earlier
 * answers), TCP keep-alive (a dead peer is noticed), bounded checkout and idle times, and an
 * `'error'` listener on the pool and on every client for its whole life, so a backend ended by
 * the server, the pooler or the network never becomes an unhandled `'error'` event.
 *
 * Pipeline mode refuses cursors (`pg-cursor`, `pg-query-stream`) and the `rows` option; use a
 * separate pool for those.
 *
 * @param options - connection string, sizes and timeouts
 */
export function createPostgresPool(options: PostgresPoolOptions): pg.Pool {
  const onError = (error: Error) => options.onConnectionError?.(error)
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
    idleTimeoutMillis: options.idleTimeoutMillis ?? 30_000,
    maxLifetimeSeconds: options.maxLifetimeSeconds ?? 0,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: options.applicationName ?? 'tripsage',
    ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
    pipeline: true,
  } as pg.PoolConfig)
  pool.on('error', onError)
  // A borrowed client has no pool listener (pg-pool removes it on checkout): give each client
  // one of its own, for life.
  pool.on('connect', (client) => {
    client.on('error', onError)
  })
  return pool
}

/**
 * The SDK's Kysely instance over a {@link createPostgresPool} pool: what `createTripSage({ db })`
 * expects in production on Node. `db.destroy()` ends the pool.
 *
 * @example
 * const db = createPostgresDatabase({ connectionString: process.env.DATABASE_URL! })
 * const tripsage = createTripSage({ db })
 *
 * @param options - connection string, sizes and timeouts
 */
export function createPostgresDatabase(options: PostgresPoolOptions): Kysely<TripSageDatabase> {
  const pool = createPostgresPool(options)
  return new Kysely<TripSageDatabase>({
    dialect: pgDialect({
      pool: pool as unknown as PgPoolLike,
      ...(options.onConnectionError ? { onConnectionError: options.onConnectionError } : {}),
    }),
  })
}
