/** Short-lived connections to the native tier's server, by URL. */
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'

/** The same server URL on another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${encodeURIComponent(database)}`
  return u.toString()
}

/** Runs `work` with a one-connection Kysely on `url`, then closes it. */
export async function onDatabase<T>(url: string, work: (db: Kysely<any>) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  pool.on('error', () => {})
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) })
  try {
    return await work(db)
  } finally {
    await db.destroy()
  }
}
