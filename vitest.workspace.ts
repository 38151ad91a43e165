import type { TestProjectInlineConfiguration } from 'vitest/config'
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
  // The host-runtime matrix: Node, Bun, Deno and workerd serve one app over native PostgreSQL,
  // importing the SDK as a user does (exports maps → a fresh build), so no source condition there.
  { ...source, test: { name: 'runtimes', root: './runtimes', include: ['test/**/*.test.ts'] } },
  { ...source, test: { name: 'db', root: './supabase', include: ['tests/**/*.test.ts'] } },
  { ...source, test: { name: 'repo', root: '.', include: ['scripts/**/*.test.ts', 'examples/*/test/**/*.test.ts'] } },
]
