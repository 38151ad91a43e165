import type { TripSageDatabase } from '@tripsage/core'
import { Kysely } from 'kysely'
import { PostgresJSDialect, type PostgresJSSql } from 'kysely-postgres-js'
import type { RuntimeDatabase } from './database.ts'

/** The slice of Bun's global this driver uses (the repo does not install bun-types). */
declare const Bun: { SQL: new (url: string, options: { max: number; prepare: boolean }) => PostgresJSSql }

/**
 * Kysely over Bun's built-in `SQL` client, which `kysely-postgres-js` accepts in place of
 * postgres.js (Bun only; `prepare: false` as behind a transaction-mode pooler).
 *
 * @param url - the connection string
 */
export function openBunSqlDatabase(url: string): RuntimeDatabase {
  const sql = new Bun.SQL(url, { max: 4, prepare: false })
  const db = new Kysely<TripSageDatabase>({ dialect: new PostgresJSDialect({ postgres: sql }) })
  return { db, close: () => db.destroy() }
}
