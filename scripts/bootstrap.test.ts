import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { repoRoot } from './sql-bundle.js'

const run = promisify(execFile)
const script = join(repoRoot, 'scripts', 'bootstrap.cjs')

interface Prerequisite {
  what: string
  apt: string[]
}
const bootstrap = createRequire(import.meta.url)(script) as {
  missingPrerequisites(searchPath: string): Prerequisite[]
  missingReport(missing: Prerequisite[], hasApt: boolean): string[]
  versionAtLeast(version: string, minimum: number[]): boolean
  NODE_MINIMUM: number[]
}

describe('scripts/bootstrap.cjs (behind npm run demo / npm test)', () => {
  it('knows which Node is too old: Vitest 5 needs Map.groupBy, require(esm) needs 22.12', () => {
    expect(bootstrap.NODE_MINIMUM).toEqual([22, 12, 0])
    expect(bootstrap.versionAtLeast('v20.20.2', bootstrap.NODE_MINIMUM)).toBe(false)
    expect(bootstrap.versionAtLeast('v22.11.0', bootstrap.NODE_MINIMUM)).toBe(false)
    expect(bootstrap.versionAtLeast('v22.12.0', bootstrap.NODE_MINIMUM)).toBe(true)
    expect(bootstrap.versionAtLeast('v24.1.0', bootstrap.NODE_MINIMUM)).toBe(true)
  })

  it('without root, names each missing program, why, and the apt-get line that installs it', () => {
    // A PATH with nothing on it: redis-server cannot be found there.
    const missing = bootstrap.missingPrerequisites('')
    expect(missing.map((p) => p.what)).toContain('redis-server')
    const report = bootstrap.missingReport(missing, true).join('\n')
    expect(report).toContain('the tests need programs this machine lacks:')
    expect(report).toMatch(/- redis-server, for the Upstash REST bridge/)
    expect(report).toContain(`sudo apt-get install -y ${missing.flatMap((p) => p.apt).join(' ')}`)
  })

  it('refuses an unknown task with exit 2 and its usage', async () => {
    const error = await run(process.execPath, [script, 'deploy']).catch((e: { code: number; stderr: string }) => e)
    expect(error).toMatchObject({ code: 2 })
    expect((error as { stderr: string }).stderr).toContain(
      'usage: node scripts/bootstrap.cjs <demo|test|bench|tarballs>',
    )
  })

  // The machine's own Node 20 (Debian's /usr/bin/node) must never reach Vitest's reporter, whose
  // crash (`Map.groupBy is not a function`) printed no totals: the config stops it with a reason.
  it.runIf(existsSync('/usr/bin/node'))(
    'vitest run on Node < 22.12 stops with a reason, not a reporter crash',
    async () => {
      const { stdout: version } = await run('/usr/bin/node', ['-v'])
      if (bootstrap.versionAtLeast(version.trim(), bootstrap.NODE_MINIMUM)) return
      const vitest = join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs')
      const error = await run('/usr/bin/node', [vitest, 'run', '--project', 'core', 'src/errors.test.ts'], {
        cwd: repoRoot,
      }).catch((e: { code: number; stdout: string; stderr: string }) => e)
      expect(error).toMatchObject({ code: 1 })
      const output = `${(error as { stdout: string }).stdout}${(error as { stderr: string }).stderr}`
      expect(output).toContain(`the tests need Node >= 22.12, this is ${version.trim()}: run \`npm test\``)
      expect(output).not.toContain('Map.groupBy')
    },
    60_000,
  )
})
