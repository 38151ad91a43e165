import type { DriverName, RuntimeDatabase } from '../drivers/database.ts'

/**
 * Opens the named driver, importing only its module (a host never loads the driver it does not run).
 *
 * @param driver - `pg`, `postgres.js` or (on Bun) `bun:sql`
 * @param url - the connection string
 */
export async function openDatabase(driver: DriverName, url: string): Promise<RuntimeDatabase> {
  if (driver === 'pg') return (await import('../drivers/pg.ts')).openPgDatabase(url)
  if (driver === 'bun:sql') return (await import('../drivers/bun-sql.ts')).openBunSqlDatabase(url)
  return (await import('../drivers/postgres-js.ts')).openPostgresJsDatabase(url)
}
