import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot } from './sql-bundle.js'

const run = promisify(execFile)

// `pnpm docs:api` builds the API reference with TypeDoc; warnings are errors, so a broken {@link},
// a referenced-but-unexported type or an undocumented export fails CI here.
describe('API reference (TypeDoc)', () => {
  let out: string | undefined
  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true })
  })

  it('keeps the strict validation switched on', async () => {
    const config = JSON.parse(await readFile(join(repoRoot, 'typedoc.json'), 'utf8'))
    expect(config.treatWarningsAsErrors).toBe(true)
    expect(config.validation).toEqual({ notExported: true, invalidLink: true, notDocumented: true })
    expect(config.packagesRequiringDocumentation).toEqual(['@tripsage/core', '@tripsage/jobs', '@tripsage/testing'])
  })

  it('documents every public subpath of every package (one entry point per export)', async () => {
    const config = JSON.parse(await readFile(join(repoRoot, 'typedoc.json'), 'utf8'))
    const sources: string[] = []
    for (const name of ['core', 'jobs', 'testing']) {
      const manifest = JSON.parse(await readFile(join(repoRoot, 'packages', name, 'package.json'), 'utf8'))
      for (const [subpath, target] of Object.entries<Record<string, unknown> | string>(manifest.exports)) {
        if (subpath === './package.json' || typeof target === 'string') continue
        sources.push(join('packages', name, String(target['@tripsage/source'])))
      }
    }
    expect([...config.entryPoints].sort()).toEqual(sources.sort())
  })

  it('pnpm docs:api builds with no broken links and no undocumented exports', async () => {
    out = await mkdtemp(join(tmpdir(), 'tripsage-api-docs-'))
    await run('pnpm', ['run', '--silent', 'docs:api', '--out', out], { cwd: repoRoot, maxBuffer: 16 << 20 }).catch(
      (error: { stdout?: string; stderr?: string }) => {
        throw new Error(`TypeDoc failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`)
      },
    )
    const index = await readFile(join(out, 'index.html'), 'utf8')
    expect(index).toContain('TripSage SDK')
    const modules = await readFile(join(out, 'modules.html'), 'utf8').catch(() => index)
    for (const name of [
      '@tripsage/core',
      '@tripsage/core/embedded',
      '@tripsage/core/storage/fs',
      '@tripsage/jobs',
      '@tripsage/testing',
    ]) {
      expect(modules).toContain(name)
    }
  }, 600_000)
})
