import type { TripSageDatabase } from '@tripsage/core'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { RuntimeDatabase } from './database.ts'

/**
 * Kysely over a `pg` Pool, wired as docs/getting-started.md shows: an `error` listener on the
 * pool, so an idle connection the server ends never crashes the host.
 *
 * @param url - the connection string
 */
export function openPgDatabase(url: string): RuntimeDatabase {
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  pool.on('error', () => undefined)
  const db = new Kysely<TripSageDatabase>({ dialect: new PostgresDialect({ pool }) })
  return { db, close: () => db.destroy() }
}
