/** The real Supabase CLI (the `supabase` npm package's platform binary; no Docker for these commands). */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { repoRoot } from '../sql-bundle.js'

const run = promisify(execFile)

/** Runs the Supabase CLI (the npm package's platform binary) from the repository root. */
export async function supabaseCli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(join(repoRoot, 'node_modules/.bin/supabase'), [...args, '--workdir', repoRoot], {
    cwd: repoRoot,
    maxBuffer: 64 * 1024 * 1024,
  })
}

/** The CLI insists on TLS unless the URL says otherwise; a local test server has none. */
export function cliUrl(url: string): string {
  const u = new URL(url)
  if (!u.searchParams.has('sslmode')) u.searchParams.set('sslmode', 'disable')
  return u.toString()
}
