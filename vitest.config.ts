import { defineConfig } from 'vitest/config'
import { LongestFirstSequencer } from './scripts/vitest/longest-first-sequencer.js'
import { projects } from './vitest.workspace.js'

// On Node 20 Vitest 5's reporter dies with `Map.groupBy is not a function` and prints no totals;
// say what is wrong instead. `npm test` (scripts/bootstrap.cjs) brings a Node that fits.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  throw new Error(`the tests need Node >= 22.12, this is ${process.version}: run \`npm test\`, which brings one`)
}

export default defineConfig({
  test: {
    projects,
    // Most test files wait (servers, PostgreSQL, builds, sleeps) more than they compute: Vitest's
    // default of one worker on 2 cores left the CPU half idle. Files are isolated from each other
    // (own template clone, own redis-server and ports, own temp dirs); see
    // docs/decisions/0006-native-test-tier.md. `--maxWorkers=N` overrides.
    maxWorkers: 3,
    // Longest files first, across projects, so they overlap the rest instead of forming the tail.
    sequence: { sequencer: LongestFirstSequencer },
    // Hang guards, not performance checks: with parallel files on a shared 2-core machine a
    // CPU-heavy test (PGlite migrating twice through the CLI) took over 60 s that takes 15 s alone.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // The JSON report is what .ci/run counts for its `tests: N passed, M failed` line.
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
  },
})
