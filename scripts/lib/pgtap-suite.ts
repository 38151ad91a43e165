import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pgtap } from '@electric-sql/pglite-pgtap'
import { createTestDatabase, runPgTap, type TapFileResult } from '@tripsage/testing'

/** The pgTAP files of supabase/tests/, in the order `supabase test db` runs them. */
export function pgTapFiles(root: string): { name: string; sql: string }[] {
  const dir = join(root, 'supabase/tests')
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }))
}

/**
 * Runs every pgTAP file against one migrated embedded database, in order (files may rely on the
 * helpers `000-setup-tests-hooks.sql` creates, as with the Supabase CLI).
 */
export async function runPgTapSuite(root: string): Promise<{ name: string; result: TapFileResult }[]> {
  const database = await createTestDatabase({ extensions: { pgtap } })
  try {
    await database.pglite.exec('create extension if not exists pgtap with schema extensions')
    const out: { name: string; result: TapFileResult }[] = []
    for (const file of pgTapFiles(root)) {
      // pg_prove gives every file a new session; PGlite has one, so reset it between files
      // (pgTAP keeps its plan in temp tables). As on Supabase, `extensions` is on the search path.
      await database.pglite.exec('discard all')
      await database.pglite.exec('set search_path to "$user", public, extensions')
      out.push({ name: file.name, result: await runPgTap(database.pglite, file.sql) })
    }
    return out
  } finally {
    await database.close()
  }
}
