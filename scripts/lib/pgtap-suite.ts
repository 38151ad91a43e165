import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { pgtap } from '@electric-sql/pglite-pgtap'
import {
  configuredTestDatabaseEngine,
  createEmbeddedTestDatabase,
  createTestDatabase,
  parseTap,
  runPgTap,
  type TapFileResult,
} from '@tripsage/testing'

const run = promisify(execFile)

/** The pgTAP files of supabase/tests/, in the order `supabase test db` runs them. */
export function pgTapFiles(root: string): { name: string; sql: string }[] {
  const dir = join(root, 'supabase/tests')
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }))
}

/**
 * Runs every pgTAP file against one migrated test database, in order (files may rely on the
 * helpers `000-setup-tests-hooks.sql` creates, as with the Supabase CLI): on PGlite through its one
 * session, on the native tier through `pg_prove` as `supabase test db` runs it (one psql session per
 * file; each file is its own transaction).
 */
export async function runPgTapSuite(root: string): Promise<{ name: string; result: TapFileResult }[]> {
  return configuredTestDatabaseEngine() === 'postgres' ? runWithPgProve(root) : runOnPglite(root)
}

async function runOnPglite(root: string): Promise<{ name: string; result: TapFileResult }[]> {
  const database = await createEmbeddedTestDatabase({ extensions: { pgtap } })
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

async function runWithPgProve(root: string): Promise<{ name: string; result: TapFileResult }[]> {
  const database = await createTestDatabase()
  try {
    const url = new URL(database.url as string)
    const names = pgTapFiles(root).map((f) => f.name)
    // One pg_prove for all files (perl starts once); it exits non-zero when a file fails.
    const { stdout, stderr } = await run(
      'pg_prove',
      [
        '--verbose',
        '-h',
        url.hostname,
        '-p',
        url.port || '5432',
        '-U',
        decodeURIComponent(url.username),
        '-d',
        decodeURIComponent(url.pathname.slice(1)),
        ...names.map((n) => `supabase/tests/${n}`),
      ],
      { cwd: root, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) } },
    ).catch((error: { stdout?: string; stderr?: string }) => ({
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }))
    const sections = new Map<string, string[]>()
    let current: string[] | null = null
    for (const line of stdout.split('\n')) {
      const header = /^supabase\/tests\/(\S+\.sql) \.+ ?(.*)$/.exec(line)
      if (header) {
        current = []
        sections.set(header[1] as string, current)
        if (header[2]) current.push(header[2])
      } else if (/^(Files=|Test Summary Report|All tests successful)/.test(line)) current = null
      else current?.push(line)
    }
    return names.map((name) => {
      const errors = stderr
        .split('\n')
        .filter((line) => line.includes(`supabase/tests/${name}:`) && /\b(ERROR|FATAL|PANIC):/.test(line))
        .join('\n')
      const lines = sections.get(name)
      return { name, result: parseTap(lines ?? [], lines ? errors || null : `pg_prove did not run ${name}: ${stderr}`) }
    })
  } finally {
    await database.close()
  }
}
