import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../..', import.meta.url))

// The README promises that `pnpm demo` runs the quickstart on a fresh clone: keep that true. The
// database goes under a `.tripsage/` that does not exist yet (issue 13: PGlite created no parent
// folders, and CI missed it because every other test passes a temporary folder that exists).
it('pnpm demo runs the quickstart end to end on the embedded default, from a clean state', async () => {
  const clean = await mkdtemp(join(tmpdir(), 'quickstart-fresh-'))
  const env: NodeJS.ProcessEnv = { ...process.env, TRIPSAGE_DATA_DIR: join(clean, '.tripsage', 'db') }
  for (const name of [
    'TRIPSAGE_DATABASE_URL',
    'SUPABASE_URL',
    'UPSTASH_REDIS_REST_URL',
    'QSTASH_TOKEN',
    'OPENAI_API_KEY',
  ]) {
    delete env[name]
  }
  let stdout: string
  try {
    ;({ stdout } = await run('pnpm', ['demo'], { cwd: root, env, maxBuffer: 4 * 1024 * 1024 }))
    expect(await readdir(join(clean, '.tripsage'))).toEqual(['db'])
  } finally {
    await rm(clean, { recursive: true, force: true })
  }
  const expected = [
    `database: embedded PGlite + pgvector (in ${join(clean, '.tripsage', 'db')})`,
    'the trip with everything, in one statement: 1 flight, 1 stay, 3 items',
    'bob looks for the trip before he is invited: not_found',
    'bob now reads "Lisbon in spring" and its 3 items',
    'bob (viewer) renames the trip: forbidden',
    'bob (viewer) adds a flight: forbidden',
    'bob (viewer) deletes the trip: forbidden',
    'a trip ending before it starts: validation',
    'bob (trip viewer) reads the chat: 2 newest messages, more: true',
    'relayed 1 job; delivery answered 200',
    'published 0 — exactly one job per commit',
    'memories written by the job: 3 for the session',
    'semantic recall "which seat does alice like" → "I prefer aisle seats',
    'Booking reference QX7Z9 is the hotel." (full-text rank 1',
    'a signed URL valid for 5 minutes served 27 bytes (application/pdf)',
    'bob searches the same words: 0 hits',
    'uploaded to a signed target and completed: completed',
    'a PNG declared as PDF: validation',
    "a stranger asks for alice's file: not_found",
    "stored alice's openai key; she lists: openai",
    'vault health: ok',
  ]
  for (const line of expected) expect(stdout).toContain(line)
  expect(stdout).not.toContain('sk-quickstart')
}, 600_000)
