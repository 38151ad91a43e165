import { type PostgresServer, startPostgresServer } from '@tripsage/testing'
import { Kysely, PostgresDialect } from 'kysely'
import { PostgresJSDialect } from 'kysely-postgres-js'
import pg from 'pg'
import postgres from 'postgres'
import { migrate } from './migrate.js'
import { applyPlatform } from './platform.js'
import type { TripSageDatabase } from './schema.js'

/**
 * A native PostgreSQL 15 server (with pgvector) holding the platform stand-ins and every
 * migration: test support until the native test tier provides one per run.
 */
export interface NativeDatabase {
  /** The server (its `url` connects as the superuser `postgres`). */
  readonly server: PostgresServer
  /** A superuser pool for checks outside the SDK (`pg_stat_activity`, terminating backends). */
  readonly admin: pg.Pool
  /** Closes the admin pool and stops the server. */
  stop(): Promise<void>
}

/** Starts a native server and applies `supabase/platform/*.sql` and the migrations. */
export async function startNativeDatabase(): Promise<NativeDatabase> {
  const server = await startPostgresServer()
  const admin = new pg.Pool({ connectionString: server.url, max: 2 })
  // Idle clients killed by the server's shutdown (or by a fault test) must not crash the run.
  admin.on('error', () => undefined)
  const db = new Kysely<TripSageDatabase>({ dialect: new PostgresDialect({ pool: admin }) })
  await applyPlatform(db)
  await migrate(db)
  return {
    server,
    admin,
    async stop() {
      await admin.end()
      await server.stop()
    },
  }
}

/** A driver the SDK supports, as a test parameter: how to get a Kysely instance over a URL. */
export interface TestDriver {
  /** `pg` or `postgres.js`. */
  readonly name: 'pg' | 'postgres.js'
  /** A Kysely instance over `url` with the driver's default settings (what a user would write). */
  open(url: string, options?: { max?: number }): Kysely<TripSageDatabase>
}

/** `pg` (node-postgres Pool) and postgres.js (`kysely-postgres-js`), with their default settings. */
export const testDrivers: readonly TestDriver[] = [
  {
    name: 'pg',
    open: (url, options = {}) => {
      const pool = new pg.Pool({ connectionString: url, max: options.max ?? 4 })
      pool.on('error', () => undefined)
      return new Kysely<TripSageDatabase>({ dialect: new PostgresDialect({ pool }) })
    },
  },
  {
    name: 'postgres.js',
    open: (url, options = {}) =>
      new Kysely<TripSageDatabase>({
        dialect: new PostgresJSDialect({
          postgres: postgres(url, { max: options.max ?? 4, onnotice: () => undefined }),
        }),
      }),
  },
]
