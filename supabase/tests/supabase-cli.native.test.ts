import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { applyPlatform, bundledMigrations, migrate } from '@tripsage/core'
import { createTestDatabase, type TestDatabase } from '@tripsage/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onDatabase, withDatabase } from '../../scripts/native/connections.js'
import { cliUrl, supabaseCli } from '../../scripts/native/supabase-cli.js'
import { repoRoot } from '../../scripts/sql-bundle.js'

// Native-only (project db-native): the Supabase CLI needs a PostgreSQL server over TCP. The
// template every native test database clones was migrated by `supabase db push`.

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

const history = (db: TestDatabase['db']) =>
  sql<{ version: string; name: string; statements: string[] }>`
    select version, name, statements from supabase_migrations.schema_migrations order by version
  `
    .execute(db)
    .then((r) => r.rows)

describe('supabase db advisors', () => {
  it('finds nothing at WARN or above (security and performance), and exits 0 with --fail-on warn', async () => {
    const { stdout } = await supabaseCli([
      'db',
      'advisors',
      '--db-url',
      cliUrl(database.url as string),
      '--type',
      'all',
      '--level',
      'info',
      '--fail-on',
      'warn',
      '--output-format',
      'json',
    ])
    const { results } = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
      results: { name: string; level: string; detail: string }[]
    }
    const serious = results.filter((r) => r.level !== 'INFO').map((r) => `${r.level} ${r.name}: ${r.detail}`)
    expect(serious).toEqual([])
  })
})

describe('migrate() and the Supabase CLI share one history', () => {
  it('migrate() accepts the history `supabase db push` wrote, and applies only what is new after it', async () => {
    const written = await history(database.db)
    expect(written.map((r) => `${r.version}_${r.name}.sql`)).toEqual(
      bundledMigrations().map((m) => `${m.version}_${m.name}.sql`),
    )
    expect(await migrate(database.db)).toEqual({ applied: [], alreadyApplied: bundledMigrations().length })
    const next = {
      version: '20991231000000',
      name: 'after_cli',
      sql: 'create table public.after_cli (id int primary key);',
    }
    const result = await migrate(database.db, { migrations: [...bundledMigrations(), next] })
    expect(result.applied).toEqual(['20991231000000_after_cli.sql'])
  })

  it('`supabase db push` accepts the history migrate() wrote, and pushes only the files after it', async () => {
    const server = withDatabase(database.url as string, 'postgres')
    const name = `tripsage_cli_${Date.now()}`
    await onDatabase(server, (db) => sql`create database ${sql.id(name)}`.execute(db))
    const url = withDatabase(database.url as string, name)
    try {
      const all = bundledMigrations()
      const byMigrate = await onDatabase(url, async (db) => {
        await applyPlatform(db)
        return migrate(db, { migrations: all.slice(0, -1) })
      })
      expect(byMigrate.applied).toHaveLength(all.length - 1)
      const pushed = await supabaseCli(['db', 'push', '--db-url', cliUrl(url), '--yes'])
      const last = all.at(-1) as (typeof all)[number]
      expect(pushed.stdout + pushed.stderr).toContain(`Applying migration ${last.version}_${last.name}.sql`)
      expect(pushed.stdout + pushed.stderr).not.toContain(`Applying migration ${all[0]?.version}`)
      const again = await supabaseCli(['db', 'push', '--db-url', cliUrl(url), '--yes'])
      expect(again.stdout + again.stderr).toMatch(/Remote database is up to date/)
      await onDatabase(url, async (db) => {
        expect(await migrate(db)).toEqual({ applied: [], alreadyApplied: all.length })
      })
    } finally {
      await onDatabase(server, (db) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(db))
    }
  })
})

describe('supabase gen types typescript', () => {
  it('generates what database.types.ts holds (pnpm db:types: postgres-meta on PGlite)', async () => {
    const { stdout } = await supabaseCli([
      'gen',
      'types',
      'typescript',
      '--db-url',
      cliUrl(database.url as string),
      '--schema',
      'public',
    ])
    const committed = readFileSync(join(repoRoot, 'packages/core/src/db/database.types.ts'), 'utf8')
    // Layout and quoting aside (the CLI does not format; ours is formatted by Biome), the only difference is
    // the CLI's newer postgres-meta adding `ComputedFields: never` to each table (no computed fields here).
    const shape = (text: string) => text.replaceAll('ComputedFields: never', '').replace(/[\s,;()|"']/g, '')
    expect(shape(stdout)).toBe(shape(committed))
  })
})
