import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  cleanEnv,
  declarationImports,
  installConsumer,
  type PackedPackage,
  packageOfSpecifier,
  packPackage,
  tarballFiles,
  undeclaredTypeImports,
} from './lib/tarballs.js'
import { repoRoot } from './sql-bundle.js'

const run = promisify(execFile)
const packages = ['core', 'jobs', 'testing'] as const

// One build per package per run, shared by the checks below (this file runs its tests in order,
// and nothing else builds into dist/, so the tarballs are packed from the build just checked).
const builds = new Map<string, Promise<unknown>>()
const build = (name: string) => {
  if (!builds.has(name)) {
    builds.set(name, run('pnpm', ['run', 'build'], { cwd: join(repoRoot, 'packages', name), maxBuffer: 16 << 20 }))
  }
  return builds.get(name)!
}

// Each package builds to ESM + CJS + .d.ts and its exports map passes publint and attw.
describe.each(packages)('@tripsage/%s packaging', (name) => {
  const dir = join(repoRoot, 'packages', name)

  it('builds with tsup and passes publint and attw', async () => {
    await build(name)
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))
    expect(manifest.exports['./package.json']).toBe('./package.json')
    const publint = await run('pnpm', ['exec', 'publint', '--strict'], { cwd: dir })
    expect(publint.stdout).not.toMatch(/error/i)
    await run('pnpm', ['exec', 'attw', '--pack', '.', '--profile', 'node16', '--format', 'ascii'], {
      cwd: dir,
      maxBuffer: 16 << 20,
    })
  }, 180_000)
})

// The published artefacts, not the workspace: `pnpm pack` each package, install the tarballs into a
// project outside the workspace (dependencies come from the npm registry), then import them from
// ESM and CJS, run real calls on the embedded database and type-check a consumer against the .d.ts.
describe('published tarballs', () => {
  let work: string
  let consumer: string
  let packed: PackedPackage[]

  beforeAll(async () => {
    await Promise.all(packages.map(build))
    work = await mkdtemp(join(tmpdir(), 'tripsage-tarballs-'))
    consumer = await mkdtemp(join(tmpdir(), 'tripsage-consumer-'))
    packed = []
    for (const name of packages) packed.push(await packPackage(join(repoRoot, 'packages', name), work))
  }, 240_000)

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true })
    if (consumer) await rm(consumer, { recursive: true, force: true })
  })

  it('ship dist (ESM, CJS, types), no tests, and no workspace: ranges', async () => {
    for (const pkg of packed) {
      const files = await tarballFiles(pkg.tarball)
      expect(files, pkg.name).toEqual(
        expect.arrayContaining([
          'package.json',
          'dist/index.js',
          'dist/index.cjs',
          'dist/index.d.ts',
          'dist/index.d.cts',
        ]),
      )
      expect(
        files.filter((file) => /\.test(-d)?\.ts$/.test(file)),
        pkg.name,
      ).toEqual([])
      expect(JSON.stringify(pkg.manifest), pkg.name).not.toContain('workspace:')
    }
  })

  it('install outside the workspace, import from ESM and CJS, run real calls and type-check', async () => {
    const fixtures = ['esm.mjs', 'cjs.cjs', 'types.mts', 'types.cts', 'tsconfig.json'].map((file) =>
      join(repoRoot, 'scripts/tarball-consumer', file),
    )
    // What a user of `@tripsage/core/embedded` adds next to it: the optional PGlite peers.
    const core = packed.find((p) => p.name === '@tripsage/core')!
    const peers = core.manifest.peerDependencies ?? {}
    const extra = {
      '@electric-sql/pglite': peers['@electric-sql/pglite']!,
      '@electric-sql/pglite-pgvector': peers['@electric-sql/pglite-pgvector']!,
    }
    const { installMs } = await installConsumer(consumer, packed, extra, fixtures)
    expect(installMs).toBeGreaterThan(0)

    const node = (file: string) => run(process.execPath, [file], { cwd: consumer, env: cleanEnv(), maxBuffer: 4 << 20 })
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc')
    const [esm, cjs] = await Promise.all([
      node('esm.mjs'),
      node('cjs.cjs'),
      run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: consumer, maxBuffer: 4 << 20 }).catch(
        (error: { stdout?: string }) => {
          throw new Error(`the consumer does not type-check against the published .d.ts:\n${error.stdout ?? ''}`)
        },
      ),
    ])
    expect(JSON.parse(esm.stdout.trim().split('\n').at(-1)!).checks).toContain(
      'isInstance works across the ESM and CJS builds',
    )
    expect(JSON.parse(cjs.stdout.trim().split('\n').at(-1)!).checks).toContain('a user-scoped query runs')
  }, 180_000)

  /** Subpaths documented as Node-only (DESIGN: "Node-only helpers live behind their own subpath"). */
  const nodeOnlyEntries: Record<string, string[]> = { core: ['storage/fs', 'pg'], jobs: ['node', 'express'] }

  it('publish no .d.ts that imports a package which is not a dependency or peer', async () => {
    for (const name of packages) {
      const installed = join(consumer, 'node_modules/@tripsage', name)
      const { checked, undeclared, builtins } = await undeclaredTypeImports(installed)
      expect(checked.length, name).toBeGreaterThan(0)
      expect(undeclared, `@tripsage/${name}`).toEqual([])
      // core and jobs run on any runtime: their public types must not need @types/node either —
      // except the Node-only subpaths, which exist precisely for Node's own types.
      const nodeOnly = nodeOnlyEntries[name] ?? []
      const portable = builtins.filter(
        (b) => !nodeOnly.some((entry) => new RegExp(`^dist/${entry}\\.d\\.c?ts$`).test(b.file)),
      )
      if (name !== 'testing') expect(portable, `@tripsage/${name}`).toEqual([])
    }
  })
})

// The CLI is a command, not a library: one ESM file with a shebang. Packed and installed outside
// the workspace with the core tarball, it runs as `tripsage` end to end on an embedded database.
describe('@tripsage/cli tarball', () => {
  let work: string
  let consumer: string

  beforeAll(async () => {
    await Promise.all([build('core'), build('cli')])
    work = await mkdtemp(join(tmpdir(), 'tripsage-cli-tarball-'))
    consumer = await mkdtemp(join(tmpdir(), 'tripsage-cli-consumer-'))
  }, 240_000)

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true })
    if (consumer) await rm(consumer, { recursive: true, force: true })
  })

  it('passes publint, installs from tarballs and runs migrations, migrate and doctor', async () => {
    const dir = join(repoRoot, 'packages', 'cli')
    const publint = await run('pnpm', ['exec', 'publint', '--strict'], { cwd: dir })
    expect(publint.stdout).not.toMatch(/error/i)
    const packed = [await packPackage(join(repoRoot, 'packages', 'core'), work), await packPackage(dir, work)]
    const cli = packed[1]!
    expect(cli.manifest.bin).toEqual({ tripsage: './dist/cli.js' })
    expect(JSON.stringify(cli.manifest)).not.toContain('workspace:')
    const peers = cli.manifest.peerDependencies ?? {}
    await installConsumer(
      consumer,
      packed,
      {
        '@electric-sql/pglite': peers['@electric-sql/pglite']!,
        '@electric-sql/pglite-pgvector': peers['@electric-sql/pglite-pgvector']!,
      },
      [],
    )
    const tripsage = (...args: string[]) =>
      run(join(consumer, 'node_modules', '.bin', 'tripsage'), args, { cwd: consumer, env: cleanEnv() })
    expect((await tripsage('--version')).stdout.trim()).toBe(cli.manifest.version)
    expect((await tripsage('migrations', './supabase/migrations')).stdout).toMatch(/\d+ added, 0 unchanged, 0 edited/)
    await tripsage('migrate', '--db', './.tripsage/db')
    expect((await tripsage('doctor', '--db', './.tripsage/db')).stdout).toMatch(/no problems found\n$/)
  }, 300_000)
})

describe('declaration import scanner', () => {
  it('finds every kind of import and maps specifiers to packages', () => {
    const text = [
      "import { a } from 'kysely'",
      "import type { B } from '@scope/pkg/sub'",
      "export { c } from './local.js'",
      "export * from 'zod'",
      "type D = import('@upstash/redis').Redis",
      "import 'side-effect'",
      '/// <reference types="node" />',
      '/// <reference types="emscripten" />',
      "import { x } from 'node:fs'",
    ].join('\n')
    expect(declarationImports(text).sort()).toEqual(
      [
        'kysely',
        '@scope/pkg/sub',
        './local.js',
        'zod',
        '@upstash/redis',
        'side-effect',
        'node:',
        '@types/emscripten',
        'node:fs',
      ].sort(),
    )
    expect(packageOfSpecifier('@scope/pkg/sub')).toBe('@scope/pkg')
    expect(packageOfSpecifier('kysely/helpers/postgres')).toBe('kysely')
    expect(packageOfSpecifier('./x.js')).toBeNull()
    expect(packageOfSpecifier('node:fs')).toBeNull()
    expect(packageOfSpecifier('fs')).toBeNull()
  })
})
