/**
 * `@tripsage/core/postgres-js` — the wiring for postgres.js: Deno, Supabase Edge Functions, Bun
 * and Node. A one-statement SDK call costs one round trip (postgres.js pipelines), and a
 * connection whose deadline passed is terminated.
 *
 * @packageDocumentation
 * @module @tripsage/core/postgres-js
 */
import { Kysely } from 'kysely'
import { type PostgresJsSqlLike, postgresJsDialect } from './db/drivers/postgres-js-driver.js'
import { sendPostgresJsWritesAtOnce } from './db/drivers/postgres-js-no-delay.js'
import type { TripSageDatabase } from './db/schema.js'

export { type PostgresJsSqlLike, postgresJsDialect } from './db/drivers/postgres-js-driver.js'

/**
 * The SDK's Kysely instance over a postgres.js instance. Create the instance with the options
 * the production guide gives (`prepare: false` behind the Supavisor transaction pooler,
 * `connect_timeout`, `idle_timeout`); `db.destroy()` ends it. On Node, Bun and Deno, connections
 * it opens afterwards send every write at once (TCP_NODELAY, as `pg` does; postgres.js has no
 * option for it), so a call's `commit` leaves with its statement however large the statement is;
 * an instance with its own `socket`, a Unix socket `path` or several hosts is left as it is.
 *
 * @example
 * import postgres from 'postgres'
 * const db = createPostgresJsDatabase(postgres(Deno.env.get('SUPABASE_DB_URL')!, { prepare: false }))
 * const tripsage = createTripSage({ db })
 *
 * @param sql - the postgres.js instance (`postgres(url, options)`)
 */
export function createPostgresJsDatabase(sql: PostgresJsSqlLike): Kysely<TripSageDatabase> {
  // Nagle's algorithm would hold a pipelined `commit` behind a statement of 1 kB or more.
  sendPostgresJsWritesAtOnce(sql)
  return new Kysely<TripSageDatabase>({ dialect: postgresJsDialect(sql) })
}
