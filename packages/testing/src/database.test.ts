import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from './test-database.js'
import { createTestUser } from './users.js'

describe('createTestDatabase', () => {
  const opened: TestDatabase[] = []
  afterAll(async () => {
    for (const d of opened) await d.close()
  })

  it('restores a fully migrated database, independent of every other restore', async () => {
    const first = await createTestDatabase()
    const second = await createTestDatabase()
    opened.push(first, second)
    const tables = await sql<{ n: number }>`
      select count(*)::int as n from pg_tables where schemaname = 'public'
    `.execute(second.db)
    expect(tables.rows[0]?.n).toBeGreaterThanOrEqual(17)
    const migrations = await sql<{
      n: number
    }>`select count(*)::int as n from supabase_migrations.schema_migrations`.execute(first.db)
    expect(migrations.rows[0]?.n).toBeGreaterThan(0)

    await createTestUser(first.db, { email: 'only-in-first@example.test' })
    const seen = await sql<{
      n: number
    }>`select count(*)::int as n from auth.users where email = 'only-in-first@example.test'`.execute(second.db)
    expect(seen.rows[0]?.n).toBe(0)
    expect(first.restoreMs).toBeGreaterThan(0)
  })

  it('creates users whose claims work with auth.uid()', async () => {
    const database = await createTestDatabase()
    opened.push(database)
    const alice = await createTestUser(database.db, { email: 'alice@example.test' })
    expect(alice.claims).toMatchObject({ sub: alice.id, role: 'authenticated', email: 'alice@example.test' })
    const uid = await database.db.transaction().execute(async (trx) => {
      await sql`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${JSON.stringify(alice.claims)}, true)`.execute(
        trx,
      )
      return (await sql<{ uid: string }>`select auth.uid()::text as uid`.execute(trx)).rows[0]?.uid
    })
    expect(uid).toBe(alice.id)
  })
})
