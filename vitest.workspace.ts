import type { TestProjectInlineConfiguration } from 'vitest/config'

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
  // The handler suites that need no Node API, again under the edge runtime (Vercel Edge, workers).
  {
    ...source,
    test: {
      name: 'jobs-edge',
      root: './packages/jobs',
      environment: 'edge-runtime',
      include: ['src/handler.test.ts', 'src/embedded-queue.test.ts', 'src/responses.test.ts'],
    },
  },
  { ...source, test: { name: 'testing', root: './packages/testing', include: ['src/**/*.test.ts'] } },
  { ...source, test: { name: 'cli', root: './packages/cli', include: ['src/**/*.test.ts'] } },
  { ...source, test: { name: 'db', root: './supabase', include: ['tests/**/*.test.ts'] } },
  { ...source, test: { name: 'repo', root: '.', include: ['scripts/**/*.test.ts', 'examples/*/test/**/*.test.ts'] } },
]
