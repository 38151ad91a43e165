import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Extension, PGlite } from '@electric-sql/pglite'
import { type EmbeddedDatabase, openEmbeddedDatabase } from '@tripsage/core/embedded'
import { Kysely, type KyselyConfig, PGliteDialect } from 'kysely'
import { platformAndMigrationsFingerprint } from './fingerprint.js'
import type { TestDatabase } from './test-database.js'

/** Options of {@link createEmbeddedTestDatabase}. */
export interface EmbeddedTestDatabaseOptions {
  /** Extra PGlite extensions (e.g. `pgtap`). */
  extensions?: Record<string, Extension>
  /** Where migrated snapshots are cached across processes (default: the OS temp dir). */
  cacheDir?: string
}

/** A {@link TestDatabase} on PGlite, with the PGlite instance for tests about PGlite itself. */
export interface EmbeddedTestDatabase extends TestDatabase {
  readonly engine: 'pglite'
  /** The PGlite instance underneath (one session: `exec` runs several statements in one message). */
  readonly pglite: PGlite
  /** A gzipped tarball of the data directory (see `openEmbeddedDatabase`'s `loadDataDir`). */
  dumpDataDir: EmbeddedDatabase['dumpDataDir']
}

let snapshot: Promise<Blob> | undefined

/**
 * A fresh embedded (PGlite) database with the platform stand-ins and every migration applied,
 * whatever engine {@link createTestDatabase} is configured for. Use it for tests about PGlite
 * itself (its dialect, its extensions); everything else should call `createTestDatabase()`.
 *
 * Migrating happens once: the first call migrates a template and snapshots its data dir (cached on
 * disk by a fingerprint of the SQL, so parallel test workers share it); every call restores that
 * snapshot into a new PGlite instance.
 *
 * @example
 * const database = await createEmbeddedTestDatabase({ extensions: { pgtap } })
 * afterAll(database.close)
 */
export async function createEmbeddedTestDatabase(
  options: EmbeddedTestDatabaseOptions = {},
): Promise<EmbeddedTestDatabase> {
  snapshot ??= loadOrMakeSnapshot(options.cacheDir ?? join(tmpdir(), 'tripsage-test-snapshots'))
  const blob = await snapshot
  const started = performance.now()
  const database = await openEmbeddedDatabase({
    loadDataDir: blob,
    migrate: false,
    ...(options.extensions ? { extensions: options.extensions } : {}),
  })
  const { pglite } = database
  return {
    engine: 'pglite',
    db: database.db,
    pglite,
    url: null,
    restoreMs: performance.now() - started,
    connect: (config: Omit<KyselyConfig, 'dialect'> = {}) =>
      new Kysely({ ...config, dialect: new PGliteDialect({ pglite }) }),
    dialect: () => new PGliteDialect({ pglite }),
    dumpDataDir: database.dumpDataDir,
    close: database.close,
  }
}

async function loadOrMakeSnapshot(cacheDir: string): Promise<Blob> {
  const file = join(cacheDir, `${platformAndMigrationsFingerprint()}.tar.gz`)
  try {
    return new Blob([await readFile(file)])
  } catch {
    // Not cached yet: migrate a template once.
  }
  const template = await openEmbeddedDatabase()
  const blob = await template.dumpDataDir()
  await template.close()
  await mkdir(cacheDir, { recursive: true })
  // Write then rename, so a parallel worker never reads half a file.
  const partial = `${file}.${process.pid}.${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 8)}`
  await writeFile(partial, new Uint8Array(await blob.arrayBuffer()))
  await rename(partial, file)
  return blob
}
