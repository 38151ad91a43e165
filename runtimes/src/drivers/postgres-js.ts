import type { TripSageDatabase } from '@tripsage/core'
import { Kysely } from 'kysely'
import { PostgresJSDialect } from 'kysely-postgres-js'
import postgres from 'postgres'
import type { RuntimeDatabase } from './database.ts'

/**
 * Kysely over postgres.js (`kysely-postgres-js`), wired as a Supabase Edge Function is:
 * `prepare: false`, which the Supavisor transaction pooler (port 6543) requires. On workerd,
 * postgres.js's `workerd` export connects through `cloudflare:sockets`.
 *
 * @param url - the connection string
 */
export function openPostgresJsDatabase(url: string): RuntimeDatabase {
  const sql = postgres(url, { max: 4, prepare: false })
  const db = new Kysely<TripSageDatabase>({ dialect: new PostgresJSDialect({ postgres: sql }) })
  return { db, close: () => db.destroy() }
}
