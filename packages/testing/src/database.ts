import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Extension } from '@electric-sql/pglite'
import { type EmbeddedDatabase, openEmbeddedDatabase } from '@tripsage/core/embedded'
import { platformAndMigrationsFingerprint } from './fingerprint.js'

/** Options of {@link createTestDatabase}. */
export interface TestDatabaseOptions {
  /** Extra PGlite extensions (e.g. `pgtap`). */
  extensions?: Record<string, Extension>
  /** Where migrated snapshots are cached across processes (default: the OS temp dir). */
  cacheDir?: string
}

/** A fresh, fully migrated embedded database for one test file. */
export interface TestDatabase extends EmbeddedDatabase {
  /** How long restoring the snapshot took, in milliseconds. */
  readonly restoreMs: number
}

let snapshot: Promise<Blob> | undefined

/**
 * A fresh embedded database with the platform stand-ins and every migration applied.
 *
 * Migrating happens once: the first call migrates a template and snapshots its data dir (cached on
 * disk by a fingerprint of the SQL, so parallel test workers share it); every call restores that
 * snapshot into a new PGlite instance.
 *
 * @example
 * const { db, close } = await createTestDatabase()
 * afterAll(close)
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  snapshot ??= loadOrMakeSnapshot(options.cacheDir ?? join(tmpdir(), 'tripsage-test-snapshots'))
  const blob = await snapshot
  const started = performance.now()
  const database = await openEmbeddedDatabase({
    loadDataDir: blob,
    migrate: false,
    ...(options.extensions ? { extensions: options.extensions } : {}),
  })
  return Object.assign(database, { restoreMs: performance.now() - started })
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
