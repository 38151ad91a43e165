/**
 * `pnpm db:types` — regenerates packages/core/src/db/database.types.ts from the migrations
 * (postgres-meta typegen against a migrated PGlite). A test fails when the file drifts.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateDatabaseTypes } from './lib/typegen.js'
import { repoRoot } from './sql-bundle.js'

const target = join(repoRoot, 'packages/core/src/db/database.types.ts')
writeFileSync(target, await generateDatabaseTypes())
console.log(`wrote ${target}`)
