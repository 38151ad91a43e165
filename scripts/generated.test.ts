import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateDatabaseTypes } from './lib/typegen.js'
import { bundlePath, renderSqlBundle, repoRoot } from './sql-bundle.js'

// Generated files must match their sources: edit SQL, then run `pnpm db:bundle && pnpm db:types`.
describe('generated files', () => {
  it('sql-bundle.generated.ts matches supabase/platform and supabase/migrations (pnpm db:bundle)', () => {
    expect(readFileSync(bundlePath, 'utf8') === renderSqlBundle(), 'run `pnpm db:bundle`').toBe(true)
  })

  it('database.types.ts matches the migrations (pnpm db:types)', async () => {
    const committed = readFileSync(join(repoRoot, 'packages/core/src/db/database.types.ts'), 'utf8')
    const fresh = await generateDatabaseTypes()
    expect(committed === fresh, 'run `pnpm db:types`').toBe(true)
  }, 600_000)
})
