import { randomUUID } from 'node:crypto'
import { type PostgresServer, startPostgresServer } from '@tripsage/testing'
import { Kysely, PostgresDialect } from 'kysely'
import { PostgresJSDialect } from 'kysely-postgres-js'
import pg from 'pg'
import postgres from 'postgres'
import { createPostgresDatabase } from '../pg.js'
import { createPostgresJsDatabase } from '../postgres-js.js'
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
  /** Inserts a fresh `auth.users` row and returns the claims a user-scoped call takes. */
  newUser(): Promise<{ sub: string; role: 'authenticated' }>
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
    async newUser() {
      const id = randomUUID()
      await admin.query('insert into auth.users (id, email) values ($1, $2)', [id, `${id}@example.test`])
      return { sub: id, role: 'authenticated' }
    },
    async stop() {
      await admin.end()
      await server.stop()
    },
  }
}

/** A driver the SDK supports, as a test parameter: how to get a Kysely instance over a URL. */
export interface TestDriver {
  /** `pg` or `postgres.js`, through the SDK's factory (both report `application_name` `tripsage`). */
  readonly name: 'pg' | 'postgres.js'
  /** The SDK's documented wiring for this driver, over `url`. */
  open(url: string, options?: { max?: number; prepare?: boolean }): Kysely<TripSageDatabase>
}

/** The documented wirings: `createPostgresDatabase` (pg, pipeline mode) and `createPostgresJsDatabase`. */
export const testDrivers: readonly TestDriver[] = [
  {
    name: 'pg',
    open: (url, options = {}) => createPostgresDatabase({ connectionString: url, max: options.max ?? 4 }),
  },
  {
    name: 'postgres.js',
    open: (url, options = {}) =>
      createPostgresJsDatabase(
        postgres(url, {
          max: options.max ?? 4,
          prepare: options.prepare ?? true,
          connect_timeout: 5,
          connection: { application_name: 'tripsage' },
          onnotice: () => undefined,
        }),
      ),
  },
]

/** A Kysely instance a user could build without the SDK's factories: Kysely's own dialects. */
export const plainDrivers: readonly { name: string; open(url: string): Kysely<TripSageDatabase> }[] = [
  {
    name: 'pg through Kysely PostgresDialect',
    open: (url) => {
      const pool = new pg.Pool({ connectionString: url, max: 4 })
      pool.on('error', () => undefined)
      return new Kysely<TripSageDatabase>({ dialect: new PostgresDialect({ pool }) })
    },
  },
  {
    name: 'postgres.js through kysely-postgres-js',
    open: (url) =>
      new Kysely<TripSageDatabase>({
        dialect: new PostgresJSDialect({ postgres: postgres(url, { max: 4, onnotice: () => undefined }) }),
      }),
  },
]
