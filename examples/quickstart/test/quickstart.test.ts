import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../..', import.meta.url))

// The README promises that `pnpm demo` runs the quickstart on a fresh clone: keep that true.
it('pnpm demo runs the quickstart end to end', async () => {
  const { stdout } = await run('pnpm', ['demo'], { cwd: root, maxBuffer: 4 * 1024 * 1024 })
  expect(stdout).toContain('bob sees 0 trips')
  expect(stdout).toContain('bob sees 1 trip as viewer')
  expect(stdout).toContain("bob's rename as viewer changed 0 rows")
  expect(stdout).toContain('bad claims are refused: validation')
  expect(stdout).toContain('auth.uid() = alice')
}, 120_000)
