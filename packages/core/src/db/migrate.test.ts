import { createTestDatabase, type TestDatabase } from '@tripsage/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openEmbeddedDatabase } from '../embedded.js'
import { TripSageError } from '../errors.js'
import { bundledMigrations, migrate, migrationStatus } from './migrate.js'
import { applyPlatform } from './platform.js'

describe('migrate on a fresh embedded database', () => {
  it('applies the platform and every migration, records them like the Supabase CLI, and applies nothing twice', async () => {
    const fresh = await openEmbeddedDatabase({ migrate: false })
    try {
      const names = bundledMigrations().map((m) => `${m.version}_${m.name}.sql`)
      expect(await migrationStatus(fresh.db)).toEqual({
        historyTable: false,
        applied: [],
        pending: names,
        edited: [],
        unknown: [],
      })
      expect((await applyPlatform(fresh.db)).length).toBeGreaterThan(0)
      expect(await applyPlatform(fresh.db)).toEqual([])
      const first = await migrate(fresh.db)
      expect(first.applied).toHaveLength(bundledMigrations().length)
      expect(first.alreadyApplied).toBe(0)
      const rows = await sql<{ version: string; name: string; n: number }>`
        select version, name, cardinality(statements) as n from supabase_migrations.schema_migrations order by version
      `.execute(fresh.db)
      expect(rows.rows.map((r) => `${r.version}_${r.name}.sql`)).toEqual(first.applied)
      expect(rows.rows.every((r) => r.n > 0)).toBe(true)

      const second = await migrate(fresh.db)
      expect(second).toEqual({ applied: [], alreadyApplied: bundledMigrations().length })
      expect(await migrationStatus(fresh.db)).toEqual({
        historyTable: true,
        applied: names,
        pending: [],
        edited: [],
        unknown: [],
      })
    } finally {
      await fresh.close()
    }
  }, 180_000) // every migration on a fresh PGlite: slow on a loaded 2-core machine
})

describe('migrate against history', () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.close())

  it('refuses to run when an applied file changed, naming the file', async () => {
    const migrations = bundledMigrations()
    const edited = migrations.map((m, i) =>
      i === 1 ? { ...m, sql: `${m.sql}\ncomment on schema public is 'edited';` } : m,
    )
    const error = await migrate(database.db, { migrations: edited }).catch((e: unknown) => e)
    expect(TripSageError.isInstance(error)).toBe(true)
    expect((error as TripSageError).code).toBe('conflict')
    expect((error as TripSageError).message).toContain(`${migrations[1]?.version}_${migrations[1]?.name}.sql`)
  })

  it('migrationStatus names edited, pending and unknown files without changing anything', async () => {
    const migrations = bundledMigrations()
    const editedName = `${migrations[1]!.version}_${migrations[1]!.name}.sql`
    const withoutLast = migrations.slice(0, -1)
    const last = migrations.at(-1)!
    const next = { version: '29990201000000', name: 'next', sql: 'select 1;' }
    const compared = [
      ...withoutLast.map((m, i) => (i === 1 ? { ...m, sql: `${m.sql}\ncomment on schema public is 'x';` } : m)),
      next,
    ]
    const status = await migrationStatus(database.db, { migrations: compared })
    expect(status.edited).toEqual([editedName])
    expect(status.pending).toEqual(['29990201000000_next.sql'])
    expect(status.unknown).toContain(last.version)
    expect(status.applied).toHaveLength(migrations.length - 2)
    const recorded = await sql<{ n: number }>`
      select count(*)::int as n from supabase_migrations.schema_migrations where version = '29990201000000'
    `.execute(database.db)
    expect(recorded.rows[0]!.n).toBe(0)
  })

  it('stops at a failing file with an error naming it, leaving the database at the last good version', async () => {
    const good = { version: '29990101000000', name: 'good', sql: 'create table public.migrate_probe_good (id int);' }
    const broken = {
      version: '29990102000000',
      name: 'broken',
      sql: 'create table public.migrate_probe_broken (id int);\nselect * from public.no_such_table;',
    }
    const later = { version: '29990103000000', name: 'later', sql: 'create table public.migrate_probe_later (id int);' }
    const error = await migrate(database.db, { migrations: [...bundledMigrations(), good, broken, later] }).catch(
      (e: unknown) => e,
    )
    expect(TripSageError.isInstance(error)).toBe(true)
    expect((error as Error).message).toContain('29990102000000_broken.sql')
    expect((error as TripSageError).details).toMatchObject({
      file: '29990102000000_broken.sql',
      statement: 2,
      sqlState: '42P01',
    })

    const tables = await sql<{ name: string | null }>`
      select to_regclass('public.migrate_probe_good')::text as name
      union all select to_regclass('public.migrate_probe_broken')::text
      union all select to_regclass('public.migrate_probe_later')::text
    `.execute(database.db)
    expect(tables.rows.map((r) => r.name)).toEqual(['migrate_probe_good', null, null])
    const versions = await sql<{ version: string }>`
      select version from supabase_migrations.schema_migrations where version like '2999%' order by version
    `.execute(database.db)
    expect(versions.rows.map((r) => r.version)).toEqual(['29990101000000'])
  })
})
