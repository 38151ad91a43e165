/**
 * `pnpm test:db` — runs every pgTAP file in supabase/tests/ on PGlite with all migrations applied
 * and prints each assertion (TAP). Exits non-zero when any assertion fails.
 */
import { runPgTapSuite } from './lib/pgtap-suite.js'
import { repoRoot } from './sql-bundle.js'

const files = await runPgTapSuite(repoRoot)
let passed = 0
let failed = 0
for (const { name, result } of files) {
  console.log(`# ${name}`)
  for (const line of result.lines) console.log(`    ${line}`)
  if (result.error) console.log(`    # ABORTED: ${result.error}`)
  if (result.planned !== result.assertions.length) {
    console.log(`    # planned ${result.planned ?? 'nothing'} but ran ${result.assertions.length}`)
  }
  for (const a of result.assertions) a.ok || a.skipped ? passed++ : failed++
  console.log(`${result.passed ? 'ok' : 'not ok'} - ${name}`)
}
console.log(`\npgTAP: ${passed} passed, ${failed} failed in ${files.length} files`)
// Exit explicitly: a PGlite restored with loadDataDir keeps the event loop alive after close().
process.exit(failed > 0 || files.some((f) => !f.result.passed) ? 1 : 0)
