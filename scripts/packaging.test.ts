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

// One build and one `pnpm pack` per package per run, shared by the checks below (this file runs its
// tests in order, and nothing else builds into dist/: the runtime matrix builds into its own
// folder), so every check looks at the artefact that would be published.
const builds = new Map<string, Promise<unknown>>()
const build = (name: string) => {
  if (!builds.has(name)) {
    builds.set(name, run('pnpm', ['run', 'build'], { cwd: join(repoRoot, 'packages', name), maxBuffer: 16 << 20 }))
  }
  return builds.get(name)!
}
let packDir: Promise<string> | undefined
const packs = new Map<string, Promise<PackedPackage>>()
const pack = (name: string) => {
  if (!packs.has(name)) {
    packDir ??= mkdtemp(join(tmpdir(), 'tripsage-tarballs-'))
    const dir = packDir
    packs.set(
      name,
      build(name).then(async () => packPackage(join(repoRoot, 'packages', name), await dir)),
    )
  }
  return packs.get(name)!
}

// One project outside the workspace installs every tarball (the libraries and the CLI) from the
// npm registry, as a user's project would; pnpm's strict node_modules let each package reach only
// what it declares, so sharing the install proves the same as one install per package.
const consumerPackages = [...packages, 'cli'] as const
let consumer: Promise<{ dir: string; installMs: number }> | undefined
const installedConsumer = () => {
  consumer ??= (async () => {
    const packed = await Promise.all(consumerPackages.map(pack))
    const dir = await mkdtemp(join(tmpdir(), 'tripsage-consumer-'))
    const fixtures = ['esm.mjs', 'cjs.cjs', 'types.mts', 'types.cts', 'tsconfig.json'].map((file) =>
      join(repoRoot, 'scripts/tarball-consumer', file),
    )
    // What a user of `@tripsage/core/embedded` (and of the CLI) adds next to it: the optional PGlite peers.
    const peers = packed.find((p) => p.name === '@tripsage/core')!.manifest.peerDependencies ?? {}
    const extra = {
      '@electric-sql/pglite': peers['@electric-sql/pglite']!,
      '@electric-sql/pglite-pgvector': peers['@electric-sql/pglite-pgvector']!,
    }
    const { installMs } = await installConsumer(dir, packed, extra, fixtures)
    return { dir, installMs }
  })()
  return consumer
}

afterAll(async () => {
  const dirs = await Promise.all([packDir, consumer?.then((c) => c.dir)].map((p) => p?.catch(() => undefined)))
  for (const dir of dirs) if (dir) await rm(dir, { recursive: true, force: true })
})

// Each package builds to ESM + CJS + .d.ts and its exports map passes publint and attw (on the
// packed tarball: what `attw --pack` checks, but packed by pnpm, which publishes it).
describe.each(packages)('@tripsage/%s packaging', (name) => {
  const dir = join(repoRoot, 'packages', name)

  it('builds with tsup and passes publint and attw', async () => {
    const packed = await pack(name)
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))
    expect(manifest.exports['./package.json']).toBe('./package.json')
    const publint = await run('pnpm', ['exec', 'publint', '--strict'], { cwd: dir })
    expect(publint.stdout).not.toMatch(/error/i)
    await run('pnpm', ['exec', 'attw', packed.tarball, '--profile', 'node16', '--format', 'ascii'], {
      cwd: dir,
      maxBuffer: 16 << 20,
    })
    // A hang guard: tsup's .d.ts build is CPU-bound, and with parallel test files on 2 cores one
    // build took past 180 s (about 60 s alone).
  }, 600_000)
})

// The published artefacts, not the workspace: `pnpm pack` each package, install the tarballs into a
// project outside the workspace (dependencies come from the npm registry), then import them from
// ESM and CJS, run real calls on the embedded database and type-check a consumer against the .d.ts.
describe('published tarballs', () => {
  let packed: PackedPackage[]
  let dir: string

  beforeAll(async () => {
    packed = await Promise.all(packages.map(pack))
  }, 600_000)

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
    const installed = await installedConsumer()
    dir = installed.dir
    expect(installed.installMs).toBeGreaterThan(0)

    const node = (file: string) => run(process.execPath, [file], { cwd: dir, env: cleanEnv(), maxBuffer: 4 << 20 })
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc')
    const [esm, cjs] = await Promise.all([
      node('esm.mjs'),
      node('cjs.cjs'),
      run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, maxBuffer: 4 << 20 }).catch(
        (error: { stdout?: string }) => {
          throw new Error(`the consumer does not type-check against the published .d.ts:\n${error.stdout ?? ''}`)
        },
      ),
    ])
    expect(JSON.parse(esm.stdout.trim().split('\n').at(-1)!).checks).toContain(
      'isInstance works across the ESM and CJS builds',
    )
    expect(JSON.parse(cjs.stdout.trim().split('\n').at(-1)!).checks).toContain('a user-scoped query runs')
  }, 300_000)

  /** Subpaths documented as Node-only (DESIGN: "Node-only helpers live behind their own subpath"). */
  const nodeOnlyEntries: Record<string, string[]> = { core: ['storage/fs', 'pg'], jobs: ['node', 'express'] }

  it('publish no .d.ts that imports a package which is not a dependency or peer', async () => {
    const { dir } = await installedConsumer()
    for (const name of packages) {
      const installed = join(dir, 'node_modules/@tripsage', name)
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
  it('passes publint, installs from tarballs and runs migrations, migrate and doctor', async () => {
    const dir = join(repoRoot, 'packages', 'cli')
    const cli = await pack('cli')
    const publint = await run('pnpm', ['exec', 'publint', '--strict'], { cwd: dir })
    expect(publint.stdout).not.toMatch(/error/i)
    expect(cli.manifest.bin).toEqual({ tripsage: './dist/cli.js' })
    expect(JSON.stringify(cli.manifest)).not.toContain('workspace:')
    const consumer = (await installedConsumer()).dir
    // Its own folder, as a user's project: the migrations folder and database land there.
    const project = await mkdtemp(join(consumer, 'cli-project-'))
    const tripsage = (...args: string[]) =>
      run(join(consumer, 'node_modules', '.bin', 'tripsage'), args, { cwd: project, env: cleanEnv() })
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
