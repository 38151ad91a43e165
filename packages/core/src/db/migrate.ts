import { type Kysely, sql, type Transaction } from 'kysely'
import { TripSageError } from '../errors.js'
import { databaseErrorInfo } from './database-error.js'
import { migrationFiles, platformFiles, type SqlFile } from './sql-bundle.generated.js'
import { normalizeStatement, splitSqlStatements } from './sql-statements.js'

/** One migration file, as in `supabase/migrations/<version>_<name>.sql`. */
export interface Migration {
  /** The 14-digit timestamp prefix of the file name. */
  version: string
  /** The rest of the file name, without `.sql`. */
  name: string
  /** The file's SQL. */
  sql: string
}

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** The migrations to apply; defaults to the ones shipped with this package. */
  migrations?: readonly Migration[]
}

/** What {@link migrate} did. */
export interface MigrateResult {
  /** File names applied by this call, in order. */
  applied: string[]
  /** Number of migrations that were already applied. */
  alreadyApplied: number
}

/** The platform stand-in files shipped inside `@tripsage/core` (the repository's `supabase/platform/`). */
export function bundledPlatform(): readonly SqlFile[] {
  return platformFiles
}

/** The migrations shipped inside `@tripsage/core` (the repository's `supabase/migrations/`). */
export function bundledMigrations(): Migration[] {
  return migrationFiles.map(toMigration)
}

function toMigration(file: SqlFile): Migration {
  const match = /^(\d{14})_(.+)\.sql$/.exec(file.name)
  if (!match) throw new TripSageError('internal', `Migration file name ${file.name} is not <14 digits>_<name>.sql`)
  return { version: match[1] as string, name: match[2] as string, sql: file.sql }
}

const fileName = (m: Migration) => `${m.version}_${m.name}.sql`

/**
 * Applies pending migrations the way the Supabase CLI does: each file in its own transaction,
 * recorded in `supabase_migrations.schema_migrations (version, name, statements)`.
 *
 * - A second run applies nothing.
 * - It refuses to run (code `conflict`) when an applied file's statements changed since.
 * - A failing file rolls back alone; the error names the file and the database stays at the last
 *   good version.
 *
 * @param db - any Kysely instance connected as a role that may run DDL (e.g. `postgres`)
 * @param options - the migrations to apply (defaults to the bundled ones)
 */
export async function migrate(db: Kysely<any>, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = [...(options.migrations ?? bundledMigrations())].sort((a, b) => a.version.localeCompare(b.version))
  await ensureHistoryTable(db)
  const applied = new Map(
    (
      await sql<{ version: string; statements: string[] | null }>`
      select version, statements from supabase_migrations.schema_migrations
    `.execute(db)
    ).rows.map((row) => [row.version, row.statements ?? []]),
  )
  for (const migration of migrations) {
    const recorded = applied.get(migration.version)
    if (recorded) assertUnchanged(migration, recorded)
  }
  const result: MigrateResult = { applied: [], alreadyApplied: 0 }
  for (const migration of migrations) {
    if (applied.has(migration.version)) {
      result.alreadyApplied++
      continue
    }
    const statements = splitSqlStatements(migration.sql)
    const ran = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('supabase_migrations.schema_migrations'))`.execute(trx)
      const already = await sql`
        select 1 from supabase_migrations.schema_migrations where version = ${migration.version}
      `.execute(trx)
      if (already.rows.length > 0) return false
      await runStatements(trx, statements, fileName(migration))
      await sql`
        insert into supabase_migrations.schema_migrations (version, name, statements)
        values (${migration.version}, ${migration.name}, ${statements})
      `.execute(trx)
      return true
    })
    if (ran) result.applied.push(fileName(migration))
    else result.alreadyApplied++
  }
  return result
}

/** Where a database stands against a set of migrations; see {@link migrationStatus}. */
export interface MigrationStatus {
  /** False when the database has no `supabase_migrations.schema_migrations` table at all. */
  historyTable: boolean
  /** File names recorded as applied, with the same statements as the file. */
  applied: string[]
  /** File names not applied yet. */
  pending: string[]
  /** File names recorded as applied whose statements differ from the file (edited after it was applied). */
  edited: string[]
  /** Versions recorded in the history that none of the given migrations has (the app's own, or a newer SDK's). */
  unknown: string[]
}

/**
 * Reports which migrations a database has applied, without changing anything: what
 * `tripsage doctor` prints, and what a deploy check can assert on before calling {@link migrate}.
 *
 * @param db - any Kysely instance that may read `supabase_migrations.schema_migrations`
 * @param options - the migrations to compare with (defaults to the bundled ones)
 */
export async function migrationStatus(db: Kysely<any>, options: MigrateOptions = {}): Promise<MigrationStatus> {
  const migrations = [...(options.migrations ?? bundledMigrations())].sort((a, b) => a.version.localeCompare(b.version))
  const status: MigrationStatus = { historyTable: false, applied: [], pending: [], edited: [], unknown: [] }
  const table = await sql<{ exists: boolean }>`
    select to_regclass('supabase_migrations.schema_migrations') is not null as exists
  `.execute(db)
  if (!table.rows[0]?.exists) {
    status.pending = migrations.map(fileName)
    return status
  }
  status.historyTable = true
  const recorded = new Map(
    (
      await sql<{ version: string; statements: string[] | null }>`
      select version, statements from supabase_migrations.schema_migrations order by version
    `.execute(db)
    ).rows.map((row) => [row.version, row.statements ?? []]),
  )
  for (const migration of migrations) {
    const statements = recorded.get(migration.version)
    if (!statements) status.pending.push(fileName(migration))
    else if (sameStatements(migration, statements)) status.applied.push(fileName(migration))
    else status.edited.push(fileName(migration))
  }
  const known = new Set(migrations.map((m) => m.version))
  status.unknown = [...recorded.keys()].filter((version) => !known.has(version))
  return status
}

async function ensureHistoryTable(db: Kysely<any>): Promise<void> {
  await sql`create schema if not exists supabase_migrations`.execute(db)
  await sql`
    create table if not exists supabase_migrations.schema_migrations (
      version text not null primary key,
      statements text[],
      name text
    )
  `.execute(db)
}

function sameStatements(migration: Migration, recorded: string[]): boolean {
  const current = splitSqlStatements(migration.sql).map(normalizeStatement)
  const before = recorded.map(normalizeStatement)
  return current.length === before.length && current.every((s, i) => s === before[i])
}

function assertUnchanged(migration: Migration, recorded: string[]): void {
  if (!sameStatements(migration, recorded)) {
    throw new TripSageError(
      'conflict',
      `Migration ${fileName(migration)} was changed after it was applied; write a new migration instead of editing an applied one`,
      { details: { file: fileName(migration) } },
    )
  }
}

/**
 * Runs statements one by one inside the caller's transaction; a failure names the file and the
 * statement's position, never the SQL or its values.
 */
export async function runStatements(
  trx: Transaction<any> | Kysely<any>,
  statements: string[],
  file: string,
): Promise<void> {
  for (const [index, statement] of statements.entries()) {
    try {
      await sql.raw(statement).execute(trx)
    } catch (error) {
      const info = databaseErrorInfo(error)
      const reason = error instanceof Error ? error.message : String(error)
      throw new TripSageError('internal', `Migration ${file} failed at statement ${index + 1}: ${reason}`, {
        cause: error,
        details: { file, statement: index + 1, ...(info ? { sqlState: info.sqlState } : {}) },
      })
    }
  }
}
