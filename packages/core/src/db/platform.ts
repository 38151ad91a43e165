import { type Kysely, sql } from 'kysely'
import { runStatements } from './migrate.js'
import { platformFiles } from './sql-bundle.generated.js'
import { splitSqlStatements } from './sql-statements.js'

/**
 * Applies `supabase/platform/` — the local stand-ins for what Supabase provides (roles, `auth`,
 * `vault`, `storage`, `realtime`) — to an embedded or plain Postgres database. Never use it on a
 * Supabase project. Each file runs once, in its own transaction; applied files are recorded in
 * `supabase_migrations.platform_files`.
 *
 * @param db - a Kysely instance connected as a superuser
 * @returns the names of the files applied by this call
 */
export async function applyPlatform(db: Kysely<any>): Promise<string[]> {
  await sql`create schema if not exists supabase_migrations`.execute(db)
  await sql`create table if not exists supabase_migrations.platform_files (name text primary key, applied_at timestamptz not null default now())`.execute(
    db,
  )
  const done = new Set(
    (await sql<{ name: string }>`select name from supabase_migrations.platform_files`.execute(db)).rows.map(
      (r) => r.name,
    ),
  )
  const applied: string[] = []
  for (const file of platformFiles) {
    if (done.has(file.name)) continue
    await db.transaction().execute(async (trx) => {
      await runStatements(trx, splitSqlStatements(file.sql), `platform/${file.name}`)
      await sql`insert into supabase_migrations.platform_files (name) values (${file.name})`.execute(trx)
    })
    applied.push(file.name)
  }
  return applied
}
