import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { TestProjectInlineConfiguration } from 'vitest/config'
import type { NativeDriver } from './scripts/native/global-setup.js'
import { nativeTestTier, SERVER_URL_VARIABLE } from './scripts/native/tier.js'
import { anyHostRuntime } from './scripts/vitest/any-host-runtime.js'

/**
 * The test projects. `vitest.config.ts` passes this list to `test.projects` (the `workspace`
 * file format itself is gone since Vitest 4; the list keeps its name).
 */
const source = { resolve: { conditions: ['@tripsage/source'] }, ssr: { resolve: { conditions: ['@tripsage/source'] } } }

export const projects: TestProjectInlineConfiguration[] = [
  {
    ...source,
    test: {
      name: 'core',
      root: './packages/core',
      include: ['src/**/*.test.ts'],
      typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: '../../tsconfig.json' },
    },
  },
  {
    ...source,
    test: {
      name: 'jobs',
      root: './packages/jobs',
      include: ['src/**/*.test.ts'],
      typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] },
    },
  },
  // The handler suites that need no Node API, again on "any host runtime": the edge runtime's
  // globals (Vercel Edge, workers), every dependency inlined, and every Node built-in refused.
  {
    ...source,
    // Packages resolve as a worker bundler resolves them (no `node` export condition).
    ssr: {
      target: 'webworker',
      resolve: { conditions: ['@tripsage/source', 'workerd', 'worker', 'browser', 'import', 'default'] },
    },
    plugins: [anyHostRuntime()],
    test: {
      name: 'jobs-edge',
      root: '.',
      environment: 'edge-runtime',
      server: { deps: { inline: true } },
      include: [
        'packages/jobs/src/handler.test.ts',
        'packages/jobs/src/embedded-queue.test.ts',
        'packages/jobs/src/responses.test.ts',
        'scripts/vitest/any-host-runtime.test.ts',
      ],
    },
  },
  { ...source, test: { name: 'testing', root: './packages/testing', include: ['src/**/*.test.ts'] } },
  { ...source, test: { name: 'cli', root: './packages/cli', include: ['src/**/*.test.ts'] } },
  {
    ...source,
    test: { name: 'db', root: './supabase', include: ['tests/**/*.test.ts'], exclude: ['tests/**/*.native.test.ts'] },
  },
  {
    ...source,
    test: {
      name: 'repo',
      root: '.',
      include: ['scripts/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'bench/lib/**/*.test.ts'],
      // The any-host-runtime check runs in jobs-edge, the environment it checks.
      exclude: ['scripts/vitest/**'],
    },
  },
]

/**
 * The native tier: the same integration files again, on Debian's PostgreSQL 15 + pgvector 0.8.0
 * (or the server `TRIPSAGE_TEST_DATABASE_URL` names), migrated by the real Supabase CLI, one
 * project per driver. An integration file is any test file that calls `createTestDatabase(`: each
 * gets its own clone of the template database. PGlite-only files call `createEmbeddedTestDatabase`.
 */
const nativeDrivers = nativeDriverList(process.env.TRIPSAGE_NATIVE_DRIVERS)

/**
 * `TRIPSAGE_NATIVE_DRIVERS` (comma-separated; default `pg,postgres-js`, what CI runs). Each driver
 * adds a core and a jobs project; the first driver's are named `core-native` / `jobs-native`, the
 * others carry the driver's name (`core-native-postgres-js`). Set `pg` to run one driver locally.
 * Both fit CI's 15 minutes because the files run in parallel (vitest.config.ts); see
 * docs/decisions/0006-native-test-tier.md.
 */
function nativeDriverList(value: string | undefined): NativeDriver[] {
  const known: NativeDriver[] = ['pg', 'postgres-js', 'pg-kysely']
  const asked = (value ?? 'pg,postgres-js')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean)
  const unknown = asked.filter((d) => !known.includes(d as NativeDriver))
  if (unknown.length > 0)
    throw new Error(`TRIPSAGE_NATIVE_DRIVERS: unknown driver(s) ${unknown.join(', ')}; known: ${known.join(', ')}`)
  return asked as NativeDriver[]
}

const tier = nativeTestTier()
if (tier.enabled) {
  for (const [index, driver] of nativeDrivers.entries()) {
    const suffix = index === 0 ? '' : `-${driver}`
    const native = (name: string, root: string, include: string[]): TestProjectInlineConfiguration => ({
      ...source,
      test: {
        name: `${name}-native${suffix}`,
        root,
        include,
        globalSetup: [join(import.meta.dirname, 'scripts/native/global-setup.ts')],
        setupFiles: [join(import.meta.dirname, 'scripts/native/setup-database.ts')],
        provide: { tripsageNativeDriver: driver },
      },
    })
    projects.push(
      native('core', './packages/core', integrationFiles('packages/core/src')),
      native('jobs', './packages/jobs', integrationFiles('packages/jobs/src')),
    )
    // Driver-independent: the test-database helper itself, and the SQL-level checks (pgTAP through
    // `pg_prove`, the Supabase CLI), once.
    if (index > 0) continue
    projects.push(
      native('testing', './packages/testing', integrationFiles('packages/testing/src')),
      native('db', './supabase', [
        'tests/supabase-cli.native.test.ts',
        ...(tier.pgProve ? ['tests/pgtap.test.ts'] : []),
      ]),
    )
  }
  // The host-runtime matrix: Node, Bun, Deno and workerd serve one app from a clone of the native
  // template, importing the SDK as a user does (exports maps → a fresh build, not the source
  // condition, which only the test side uses).
  projects.push({
    ...source,
    test: {
      name: 'runtimes',
      root: './runtimes',
      include: ['test/**/*.test.ts'],
      globalSetup: [join(import.meta.dirname, 'scripts/native/global-setup.ts')],
    },
  })
  if (!tier.pgProve) {
    console.warn(
      'native test tier: pgTAP not run natively: no pg_prove (apt-get install libtap-parser-sourcehandler-pgtap-perl postgresql-15-pgtap)',
    )
  }
} else {
  console.warn(
    `native test tier skipped: ${tier.reason}; set ${SERVER_URL_VARIABLE} to a Postgres with pgvector (e.g. \`supabase start\`'s) to run it`,
  )
}

/** Test files under `dir` (repository-relative) that call `createTestDatabase(`, relative to the project root. */
function integrationFiles(dir: string): string[] {
  const root = join(import.meta.dirname, dir)
  const projectRoot = join(root, '..')
  return (readdirSync(root, { recursive: true }) as string[])
    .filter(
      (file) => file.endsWith('.test.ts') && readFileSync(join(root, file), 'utf8').includes('createTestDatabase('),
    )
    .map((file) => relative(projectRoot, join(root, file)))
    .sort()
}
