import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runPgTapSuite } from '../../scripts/lib/pgtap-suite.js'

// Every pgTAP file of this folder, run with all migrations on PGlite (project `db`) or through
// pg_prove on native PostgreSQL (project `db-native`); each assertion is a test.
const root = fileURLToPath(new URL('../..', import.meta.url))
const files = await runPgTapSuite(root)

describe('pgTAP (supabase/tests)', () => {
  it('runs at least 150 assertions', () => {
    expect(files.reduce((sum, f) => sum + f.result.assertions.length, 0)).toBeGreaterThanOrEqual(150)
  })
  for (const { name, result } of files) {
    describe(name, () => {
      it('completes its plan without aborting', () => {
        expect(result.error).toBeNull()
        expect(result.assertions.length).toBe(result.planned)
      })
      for (const a of result.assertions) {
        it.skipIf(a.skipped)(`${a.n} - ${a.description}`, () => {
          expect(a.ok, a.diagnostics.join('\n')).toBe(true)
        })
      }
    })
  }
})
