/**
 * `@tripsage/core/embedded` — the zero-service database: PGlite (Postgres in WebAssembly) with
 * pgvector and pgcrypto, the Supabase platform stand-ins and every migration applied.
 *
 * @packageDocumentation
 * @module @tripsage/core/embedded
 */
import { type Extension, PGlite } from '@electric-sql/pglite'
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto'
import { vector } from '@electric-sql/pglite-pgvector'
import { Kysely, PGliteDialect } from 'kysely'
import { type MigrateResult, migrate } from './db/migrate.js'
import { applyPlatform } from './db/platform.js'
import type { TripSageDatabase } from './db/schema.js'

/** Options of {@link openEmbeddedDatabase}. */
export interface EmbeddedDatabaseOptions {
  /**
   * A directory to persist the database in (missing parent directories are created); in memory
   * when omitted. PGlite's `idb://` / `memory://` forms pass through unchanged.
   */
  dataDir?: string
  /** Start from a snapshot made by `dumpDataDir()` (e.g. a migrated template). */
  loadDataDir?: Blob
  /** Extra PGlite extensions, e.g. `pgtap` for database tests. */
  extensions?: Record<string, Extension>
  /** Apply the platform stand-ins and pending migrations on open (default true). */
  migrate?: boolean
}

/** An open embedded database. */
export interface EmbeddedDatabase {
  /** Kysely over the embedded database, connected as the superuser `postgres`. */
  readonly db: Kysely<TripSageDatabase>
  /** The PGlite instance underneath. */
  readonly pglite: PGlite
  /** What opening migrated, or null when `migrate: false`. */
  readonly migration: MigrateResult | null
  /** A gzipped tarball of the data directory, loadable through `loadDataDir`. */
  dumpDataDir(): Promise<Blob>
  /** Closes Kysely and PGlite. */
  close(): Promise<void>
}

/** A `scheme://` data dir (`idb://`, `memory://`, `opfs-ahp://`) names no file-system path. */
const nonFileScheme = /^(?!file:)[a-z][a-z0-9+.-]*:\/\//i

/**
 * PGlite creates its data directory but not the directories above it, so a fresh project's
 * `./.tripsage/db` would fail with ENOENT. Create them (Node, Bun and Deno have `node:fs`).
 */
async function createParentDirectories(dataDir: string): Promise<void> {
  if (nonFileScheme.test(dataDir)) return
  const [{ mkdir }, { dirname }, { fileURLToPath }] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('node:url'),
  ])
  const path = dataDir.startsWith('file://') ? fileURLToPath(dataDir) : dataDir
  await mkdir(dirname(path), { recursive: true })
}

/**
 * Opens (and by default migrates) an embedded PGlite database with pgvector.
 *
 * @example
 * const { db, close } = await openEmbeddedDatabase({ dataDir: './.tripsage/db' })
 */
export async function openEmbeddedDatabase(options: EmbeddedDatabaseOptions = {}): Promise<EmbeddedDatabase> {
  if (options.dataDir) await createParentDirectories(options.dataDir)
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    extensions: { vector, pgcrypto, ...options.extensions },
  })
  // As on Supabase, `extensions` (pgvector's operators, pgcrypto) is on the search path. PGlite
  // ignores per-database settings when it reopens a data dir, so set it for the (single) session.
  await pglite.exec('set search_path to "$user", public, extensions')
  const db = new Kysely<TripSageDatabase>({ dialect: new PGliteDialect({ pglite }) })
  let migration: MigrateResult | null = null
  try {
    if (options.migrate !== false) {
      await applyPlatform(db)
      migration = await migrate(db)
    }
  } catch (error) {
    await db.destroy()
    throw error
  }
  return {
    db,
    pglite,
    migration,
    dumpDataDir: async () => (await pglite.dumpDataDir('gzip')) as Blob,
    close: () => db.destroy(),
  }
}
