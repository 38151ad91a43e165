import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, it } from 'vitest'
import { repoRoot } from './sql-bundle.js'

const run = promisify(execFile)

// The whole repository type-checks (including examples and scripts) and passes Biome.
describe('repository quality gates', () => {
  it('type-checks with tsc', async () => {
    await run('pnpm', ['exec', 'tsc', '-p', 'tsconfig.json'], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 }).catch(
      (error: { stdout?: string }) => {
        throw new Error(`tsc failed:\n${error.stdout ?? ''}`)
      },
    )
  }, 600_000)

  it('passes biome check (lint + format)', async () => {
    await run('pnpm', ['exec', 'biome', 'check', '.'], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 }).catch(
      (error: { stdout?: string; stderr?: string }) => {
        throw new Error(`biome failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`)
      },
    )
  }, 600_000)
})
