import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../..', import.meta.url))

it('the attachments and keys example runs end to end', async () => {
  const { stdout } = await run('pnpm', ['--filter', '@tripsage/example-quickstart', 'attachments'], {
    cwd: root,
    maxBuffer: 4 * 1024 * 1024,
  })
  expect(stdout).toContain('completed: completed')
  expect(stdout).toMatch(/signed URL served \d+ bytes \(application\/pdf\)/)
  expect(stdout).toContain('a PNG declared as PDF is refused: validation (content_mismatch)')
  expect(stdout).toContain("bob asking for alice's file: not_found")
  expect(stdout).toContain('embedder for alice: openai-on-alice-key; for bob: local')
  expect(stdout).toContain('vault health: ok')
  expect(stdout).not.toContain('sk-quickstart')
}, 120_000)
