import { defineConfig } from 'vitest/config'
import { projects } from './vitest.workspace.js'

export default defineConfig({
  test: {
    projects,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The JSON report is what .ci/run counts for its `tests: N passed, M failed` line.
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
  },
})
