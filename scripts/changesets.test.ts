import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'
import { repoRoot } from './sql-bundle.js'

const run = promisify(execFile)

// Every changeset parses, and `changeset version` would take every published package to 0.1.0:
// the first release is ready (publishing is a separate, manual step).
it('the pending changesets release every package as 0.1.0', async () => {
  const work = await mkdtemp(join(tmpdir(), 'tripsage-changesets-'))
  try {
    const output = join(work, 'status.json')
    await run('pnpm', ['exec', 'changeset', 'status', `--output=${output}`], { cwd: repoRoot })
    const status = JSON.parse(await readFile(output, 'utf8')) as {
      releases: { name: string; oldVersion: string; newVersion: string }[]
    }
    const published = new Map<string, { oldVersion: string; newVersion: string }>()
    const packages: string[] = []
    for (const dir of await readdir(join(repoRoot, 'packages'))) {
      const manifest = JSON.parse(await readFile(join(repoRoot, 'packages', dir, 'package.json'), 'utf8'))
      if (!manifest.private) packages.push(manifest.name)
    }
    for (const release of status.releases) if (packages.includes(release.name)) published.set(release.name, release)
    expect([...published.keys()].sort()).toEqual(packages.sort())
    for (const release of published.values())
      expect(release).toMatchObject({ oldVersion: '0.0.0', newVersion: '0.1.0' })
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}, 600_000)
