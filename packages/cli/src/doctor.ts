import { type Migration, migrationStatus } from '@tripsage/core'
import { type Kysely, sql } from 'kysely'

/** One line of the doctor's report. */
export interface DoctorCheck {
  /** What was checked: `connection`, `schema`, `pgvector`, `roles`, `grants`, `rls`. */
  name: string
  /** `fail` makes `tripsage doctor` exit 1; `warn` does not. */
  result: 'ok' | 'warn' | 'fail'
  /** One sentence: what was found and, when something is wrong, what to do. */
  detail: string
}

/** The API roles every Supabase project has; RLS policies and grants are written for them. */
const API_ROLES = ['anon', 'authenticated', 'service_role'] as const

/** Tables the migrations create in `public`, read from their SQL. */
export function tablesOf(migrations: readonly Migration[]): string[] {
  const tables = new Set<string>()
  for (const m of migrations) {
    for (const match of m.sql.matchAll(/create\s+table\s+(?:if\s+not\s+exists\s+)?public\.("?)(\w+)\1/gi)) {
      tables.add(match[2]!.toLowerCase())
    }
  }
  return [...tables].sort()
}

/**
 * Checks a database against the SDK's migrations: the connection, which migrations are applied
 * (none edited), pgvector, the API roles (and that the connected role may act as them), the grants
 * on the SDK's tables (`authenticated` may use them, `anon` may not) and row level security on
 * each. Reads only; never changes the database.
 *
 * @param db - Kysely connected as the role that migrates (e.g. `postgres`)
 * @param migrations - the SDK's migrations (`bundledMigrations()`)
 */
export async function runDoctor(db: Kysely<any>, migrations: readonly Migration[]): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = []
  const server = await sql<{ version: string; user: string }>`
    select current_setting('server_version') as version, current_user as user
  `.execute(db)
  const { version, user } = server.rows[0]!
  const major = Number.parseInt(version, 10)
  checks.push({
    name: 'connection',
    result: major >= 15 ? 'ok' : 'warn',
    detail: `PostgreSQL ${version} as ${user}${major >= 15 ? '' : ' (the SDK is tested on 15 and later)'}`,
  })

  const status = await migrationStatus(db, { migrations })
  const total = migrations.length
  const latest = status.applied.at(-1)
  if (!status.historyTable) {
    checks.push({
      name: 'schema',
      result: 'fail',
      detail: `no migration history (supabase_migrations.schema_migrations): none of the ${total} TripSage migrations is applied; run \`tripsage migrate\` or \`supabase db push\``,
    })
  } else if (status.edited.length > 0) {
    checks.push({
      name: 'schema',
      result: 'fail',
      detail: `applied but different from this SDK's files: ${status.edited.join(', ')}; write a new migration instead of editing an applied one`,
    })
  } else if (status.pending.length > 0) {
    checks.push({
      name: 'schema',
      result: 'fail',
      detail: `${status.applied.length} of ${total} TripSage migrations applied; pending: ${status.pending.join(', ')}; run \`tripsage migrate\` or \`supabase db push\``,
    })
  } else {
    checks.push({
      name: 'schema',
      result: 'ok',
      detail: `${total} of ${total} TripSage migrations applied (latest ${latest})${status.unknown.length > 0 ? `; ${status.unknown.length} other migration(s) recorded` : ''}`,
    })
  }

  const vector = await sql<{ installed: string | null; available: string | null }>`
    select (select extversion from pg_extension where extname = 'vector') as installed,
           (select default_version from pg_available_extensions where name = 'vector') as available
  `.execute(db)
  const { installed, available } = vector.rows[0]!
  checks.push(
    installed
      ? { name: 'pgvector', result: 'ok', detail: `vector ${installed} installed` }
      : {
          name: 'pgvector',
          result: 'fail',
          detail: available
            ? `vector ${available} is available but not installed; the migrations create it (\`tripsage migrate\`)`
            : 'the vector extension is not available on this server; install pgvector (Supabase has it)',
        },
  )

  const roles = await sql<{ name: string; exists: boolean; member: boolean; bypassrls: boolean }>`
    select r.name,
           exists (select 1 from pg_roles where rolname = r.name) as exists,
           coalesce(pg_has_role(current_user, (select oid from pg_roles where rolname = r.name), 'member'), false) as member,
           coalesce((select rolbypassrls from pg_roles where rolname = r.name), false) as bypassrls
    from unnest(${sql.val([...API_ROLES])}::text[]) as r(name)
  `.execute(db)
  const roleProblems: string[] = []
  for (const role of roles.rows) {
    if (!role.exists) roleProblems.push(`role ${role.name} is missing`)
    else if (!role.member) roleProblems.push(`${user} cannot act as ${role.name} (grant ${role.name} to ${user})`)
  }
  const service = roles.rows.find((r) => r.name === 'service_role')
  if (service?.exists && !service.bypassrls) roleProblems.push('service_role does not bypass RLS')
  checks.push(
    roleProblems.length === 0
      ? { name: 'roles', result: 'ok', detail: `${API_ROLES.join(', ')} exist and ${user} may act as each` }
      : {
          name: 'roles',
          result: 'fail',
          detail: `${roleProblems.join('; ')}${roles.rows.some((r) => !r.exists) ? ' (Supabase has them; on plain Postgres run `tripsage migrate --platform`)' : ''}`,
        },
  )

  const tables = tablesOf(migrations)
  const present = roles.rows.every((r) => r.exists)
  const grants = await sql<{ table: string; exists: boolean; rls: boolean; anon: boolean; authenticated: boolean }>`
    select t.name as table,
           c.oid is not null as exists,
           coalesce(c.relrowsecurity, false) as rls,
           ${present ? sql`coalesce(has_table_privilege('anon', c.oid, 'select, insert, update, delete'), false)` : sql`false`} as anon,
           ${present ? sql`coalesce(has_table_privilege('authenticated', c.oid, 'select'), false)` : sql`false`} as authenticated
    from unnest(${sql.val(tables)}::text[]) as t(name)
    left join pg_class c on c.relname = t.name and c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
    order by t.name
  `.execute(db)
  const existing = grants.rows.filter((r) => r.exists)
  const missing = grants.rows.filter((r) => !r.exists).map((r) => r.table)
  if (!present) {
    checks.push({ name: 'grants', result: 'fail', detail: 'not checked: the API roles are missing' })
  } else {
    const anonCan = existing.filter((r) => r.anon).map((r) => r.table)
    const authenticatedCannot = existing.filter((r) => !r.authenticated).map((r) => r.table)
    const problems = [
      ...(missing.length > 0 ? [`missing tables: ${missing.join(', ')}`] : []),
      ...(anonCan.length > 0 ? [`anon has privileges on ${anonCan.join(', ')}`] : []),
      ...(authenticatedCannot.length > 0 ? [`authenticated cannot select ${authenticatedCannot.join(', ')}`] : []),
    ]
    checks.push(
      problems.length === 0
        ? {
            name: 'grants',
            result: 'ok',
            detail: `authenticated may use all ${tables.length} TripSage tables; anon has no privilege on any`,
          }
        : { name: 'grants', result: 'fail', detail: problems.join('; ') },
    )
  }
  const withoutRls = existing.filter((r) => !r.rls).map((r) => r.table)
  checks.push(
    existing.length === 0
      ? { name: 'rls', result: 'fail', detail: 'not checked: none of the TripSage tables exists' }
      : withoutRls.length === 0
        ? { name: 'rls', result: 'ok', detail: `row level security is on for all ${existing.length} TripSage tables` }
        : { name: 'rls', result: 'fail', detail: `row level security is off for ${withoutRls.join(', ')}` },
  )
  return checks
}
