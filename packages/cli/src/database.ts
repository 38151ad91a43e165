import { mkdir, stat } from 'node:fs/promises'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'

/** Where the command's database is: a PostgreSQL URL, or an embedded PGlite data directory. */
export type DatabaseTarget = { url: string } | { dir: string }

/** An open database the command works on. */
export interface OpenDatabase {
  db: Kysely<any>
  /** What to print for it: the URL without its password, or the directory. */
  label: string
  /** True for an embedded PGlite directory (which always needs the platform stand-ins). */
  embedded: boolean
  close(): Promise<void>
}

/** The URL with its password replaced, for output. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '<unparseable database URL>'
  }
}

/**
 * Opens the target. A URL gets one `pg` connection with a connect timeout and a statement timeout
 * (every call has a deadline); a directory opens PGlite (`@tripsage/core/embedded`) without
 * migrating, creating the directory only when `create` is set.
 */
export async function openDatabase(
  target: DatabaseTarget,
  options: { create: boolean; statementTimeoutMs: number },
): Promise<OpenDatabase> {
  if ('url' in target) {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: 1,
      connectionTimeoutMillis: 15_000,
      statement_timeout: options.statementTimeoutMs,
      application_name: 'tripsage-cli',
    })
    // Connection errors after the command finished must not crash it.
    pool.on('error', () => undefined)
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) })
    return { db, label: redactUrl(target.url), embedded: false, close: () => db.destroy() }
  }
  if (options.create) await mkdir(target.dir, { recursive: true })
  else {
    const found = await stat(target.dir).catch(() => null)
    if (!found?.isDirectory()) throw new Error(`no embedded database at ${target.dir}`)
  }
  let embedded: typeof import('@tripsage/core/embedded')
  try {
    embedded = await import('@tripsage/core/embedded')
  } catch (error) {
    throw new Error(
      'an embedded database needs @electric-sql/pglite and @electric-sql/pglite-pgvector: install them next to @tripsage/cli',
      { cause: error },
    )
  }
  const opened = await embedded.openEmbeddedDatabase({ dataDir: target.dir, migrate: false })
  return { db: opened.db, label: target.dir, embedded: true, close: () => opened.close() }
}
