import { parseArgs } from 'node:util'
import { applyPlatform, bundledMigrations, migrate, TripSageError } from '@tripsage/core'
import { type DatabaseTarget, openDatabase } from './database.js'
import { runDoctor } from './doctor.js'
import { syncMigrationsFolder } from './migrations-folder.js'

/** Where the command writes and what it reads from its environment (a CLI may read env). */
export interface CliContext {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
  env: Record<string, string | undefined>
  /** The package version printed by `--version`. */
  version: string
}

/** Exit statuses: success, a problem found or the command failed, wrong usage (as `sysexits`' EX_USAGE convention of shells). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const

export const HELP = `Usage: tripsage <command> [options]

Commands:
  migrations [dir]   Write the SDK's migrations into a Supabase migrations folder
                     (default ./supabase/migrations). Adds missing files, never overwrites;
                     reports files that differ from the SDK's.
  migrate            Apply the SDK's migrations to a database (recorded in
                     supabase_migrations.schema_migrations, like \`supabase db push\`).
  doctor             Check a database: schema version, pgvector, roles, grants, RLS.
                     Changes nothing.

Database (migrate, doctor):
  --db-url <url>     PostgreSQL URL, connected as a role that may run DDL (default: $DATABASE_URL)
  --db <dir>         An embedded PGlite data directory instead (needs @electric-sql/pglite)

Options:
  --check            migrations: write nothing; exit 1 unless the folder is up to date
  --platform         migrate: first apply the local stand-ins for Supabase's roles, auth, vault,
                     storage and realtime. Plain PostgreSQL only; never on a Supabase project.
                     (Always applied to an embedded database.)
  -h, --help         Show this help
  -v, --version      Show the version

Exit status: 0 success, 1 a problem was found or the command failed, 2 wrong usage.
`

const COMMANDS = ['migrations', 'migrate', 'doctor'] as const

function usageError(ctx: CliContext, message: string): number {
  ctx.stderr.write(`tripsage: ${message}\nRun \`tripsage --help\` for usage.\n`)
  return EXIT.usage
}

/**
 * Runs the `tripsage` command with the given arguments and returns its exit status. Never throws:
 * failures are printed (without secrets) and become status 1.
 *
 * @param argv - the arguments after the program name
 * @param ctx - output streams, environment and version
 */
export async function main(argv: string[], ctx: CliContext): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    return usageError(ctx, (error as Error).message)
  }
  const { values, positionals } = parsed
  if (values.help) {
    ctx.stdout.write(HELP)
    return EXIT.ok
  }
  if (values.version) {
    ctx.stdout.write(`${ctx.version}\n`)
    return EXIT.ok
  }
  const [command, ...rest] = positionals
  if (!command) return usageError(ctx, 'missing command')
  if (!(COMMANDS as readonly string[]).includes(command)) return usageError(ctx, `unknown command: ${command}`)
  const maxPositionals = command === 'migrations' ? 1 : 0
  if (rest.length > maxPositionals) return usageError(ctx, `unexpected argument: ${rest[maxPositionals]}`)
  if (values.check && command !== 'migrations') return usageError(ctx, '--check applies to `migrations` only')
  if (values.platform && command !== 'migrate') return usageError(ctx, '--platform applies to `migrate` only')

  try {
    if (command === 'migrations')
      return await migrationsCommand(ctx, rest[0] ?? './supabase/migrations', !!values.check)
    if (values['db-url'] && values.db) return usageError(ctx, 'give --db-url or --db, not both')
    const url = values['db-url'] ?? (values.db ? undefined : ctx.env.DATABASE_URL)
    if (!url && !values.db) return usageError(ctx, `${command} needs --db-url <url> (or DATABASE_URL) or --db <dir>`)
    const target: DatabaseTarget = url ? { url } : { dir: values.db! }
    if (command === 'migrate') return await migrateCommand(ctx, target, !!values.platform)
    return await doctorCommand(ctx, target)
  } catch (error) {
    ctx.stderr.write(`tripsage ${command}: ${describe(error)}\n`)
    return EXIT.failed
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'db-url': { type: 'string' },
      db: { type: 'string' },
      check: { type: 'boolean' },
      platform: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  })
}

/** An error's message and code, never a stack or a connection string. */
function describe(error: unknown): string {
  if (TripSageError.isInstance(error)) return `${error.message} (${error.code})`
  const message = error instanceof Error ? error.message : String(error)
  return message.replace(/postgres(?:ql)?:\/\/[^\s]+/gi, '<database url>')
}

async function migrationsCommand(ctx: CliContext, dir: string, check: boolean): Promise<number> {
  const reports = await syncMigrationsFolder(dir, bundledMigrations(), { write: !check })
  const added = reports.filter((r) => r.state === 'added')
  const edited = reports.filter((r) => r.state === 'edited')
  const verb = check ? 'missing' : 'added'
  for (const r of added) ctx.stdout.write(`${verb.padEnd(9)} ${r.name}\n`)
  for (const r of edited)
    ctx.stdout.write(`${'edited'.padEnd(9)} ${r.name} (differs from this SDK's file; left as it is)\n`)
  const unchanged = reports.length - added.length - edited.length
  ctx.stdout.write(
    `${dir}: ${added.length} ${verb}, ${unchanged} unchanged, ${edited.length} edited of ${reports.length} TripSage migrations\n`,
  )
  if (edited.length > 0) {
    ctx.stderr.write(
      'tripsage migrations: applied migrations must not change; put your changes in a new migration file and restore the edited ones\n',
    )
    return EXIT.failed
  }
  return check && added.length > 0 ? EXIT.failed : EXIT.ok
}

async function migrateCommand(ctx: CliContext, target: DatabaseTarget, platform: boolean): Promise<number> {
  const database = await openDatabase(target, { create: true, statementTimeoutMs: 300_000 })
  try {
    ctx.stdout.write(`database ${database.label}\n`)
    if (platform || database.embedded) {
      const files = await applyPlatform(database.db)
      ctx.stdout.write(`platform stand-ins: ${files.length > 0 ? `applied ${files.join(', ')}` : 'already applied'}\n`)
    }
    const result = await migrate(database.db)
    for (const file of result.applied) ctx.stdout.write(`applied   ${file}\n`)
    ctx.stdout.write(`${result.applied.length} applied, ${result.alreadyApplied} already applied\n`)
    return EXIT.ok
  } finally {
    await database.close()
  }
}

async function doctorCommand(ctx: CliContext, target: DatabaseTarget): Promise<number> {
  const database = await openDatabase(target, { create: false, statementTimeoutMs: 15_000 })
  try {
    ctx.stdout.write(`tripsage doctor: ${database.label}\n`)
    const checks = await runDoctor(database.db, bundledMigrations())
    for (const check of checks)
      ctx.stdout.write(`  ${check.result.padEnd(5)} ${check.name.padEnd(11)} ${check.detail}\n`)
    const failed = checks.filter((c) => c.result === 'fail').length
    ctx.stdout.write(failed === 0 ? 'no problems found\n' : `${failed} problem${failed === 1 ? '' : 's'} found\n`)
    return failed === 0 ? EXIT.ok : EXIT.failed
  } finally {
    await database.close()
  }
}
