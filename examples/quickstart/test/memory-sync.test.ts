import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../..', import.meta.url))

it('the memory-sync example runs the full job path with no QStash', async () => {
  const { stdout } = await run('pnpm', ['--filter', '@tripsage/example-quickstart', 'memory-sync'], {
    cwd: root,
    maxBuffer: 4 * 1024 * 1024,
  })
  expect(stdout).toContain('relayed 1 job; deliveries answered 200')
  expect(stdout).toContain('session memories: 3; long-term preferences: 2')
  expect(stdout).toContain('recall "which seat": Planning Lisbon in April. I prefer aisle seats')
  expect(stdout).toContain('second relay published 0')
}, 120_000)
