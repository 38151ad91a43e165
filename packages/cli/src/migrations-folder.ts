import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Migration } from '@tripsage/core'

/** What happened (or, with `write: false`, would happen) to one SDK migration file in the folder. */
export type MigrationFileState =
  /** Not in the folder: written (or would be). */
  | 'added'
  /** In the folder with the SDK's content. */
  | 'unchanged'
  /** In the folder with other content: left alone, reported. */
  | 'edited'

/** One SDK migration file and its state in the folder. */
export interface MigrationFileReport {
  name: string
  state: MigrationFileState
}

/** Options of {@link syncMigrationsFolder}. */
export interface SyncMigrationsOptions {
  /** Write missing files (default true); false only reports. */
  write?: boolean
}

const fileName = (m: Migration) => `${m.version}_${m.name}.sql`
/** Line endings and trailing blank space do not count as an edit (a checkout may convert them). */
const normalize = (text: string) => text.replace(/\r\n/g, '\n').trimEnd()

/**
 * Puts the SDK's migrations into a Supabase migrations folder: writes the files that are missing,
 * never overwrites one, and reports files whose content differs from the SDK's (edited by hand, or
 * from another SDK version). Files that are not the SDK's (the app's own migrations) are ignored,
 * so running it again after upgrading the SDK adds only the new files.
 *
 * @param dir - the folder, e.g. `./supabase/migrations` (created when missing)
 * @param migrations - the SDK's migrations (`bundledMigrations()`)
 * @param options - `write: false` to report without writing
 */
export async function syncMigrationsFolder(
  dir: string,
  migrations: readonly Migration[],
  options: SyncMigrationsOptions = {},
): Promise<MigrationFileReport[]> {
  const write = options.write ?? true
  if (write) await mkdir(dir, { recursive: true })
  const reports: MigrationFileReport[] = []
  for (const migration of [...migrations].sort((a, b) => a.version.localeCompare(b.version))) {
    const name = fileName(migration)
    const path = join(dir, name)
    const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null
      throw error
    })
    if (existing === null) {
      // `wx`: never replace a file that appeared since the read.
      if (write) await writeFile(path, migration.sql, { flag: 'wx' })
      reports.push({ name, state: 'added' })
    } else {
      reports.push({ name, state: normalize(existing) === normalize(migration.sql) ? 'unchanged' : 'edited' })
    }
  }
  return reports
}
