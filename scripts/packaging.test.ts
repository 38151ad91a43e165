import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { repoRoot } from './sql-bundle.js'

const run = promisify(execFile)
const packages = ['core', 'jobs', 'testing']

// Each package builds to ESM + CJS + .d.ts and its exports map passes publint and attw.
describe.each(packages)('@tripsage/%s packaging', (name) => {
  const dir = join(repoRoot, 'packages', name)

  it('builds with tsup and passes publint and attw', async () => {
    await run('pnpm', ['run', 'build'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 })
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    expect(manifest.exports['./package.json']).toBe('./package.json')
    const publint = await run('pnpm', ['exec', 'publint', '--strict'], { cwd: dir })
    expect(publint.stdout).not.toMatch(/error/i)
    await run('pnpm', ['exec', 'attw', '--pack', '.', '--profile', 'node16', '--format', 'ascii'], {
      cwd: dir,
      maxBuffer: 16 * 1024 * 1024,
    })
  }, 180_000)
})
