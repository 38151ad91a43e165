import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundledMigrations } from '@tripsage/core'
import { openEmbeddedDatabase } from '@tripsage/core/embedded'
import { startPostgresServer } from '@tripsage/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT } from './main.js'
import { runCli } from './run-cli.test-support.js'

/** A database engine the commands run against, and a way to run SQL on it behind the CLI's back. */
interface Engine {
  name: string
  start(): Promise<{ args: string[]; migrateArgs: string[]; exec(sql: string): Promise<void>; stop(): Promise<void> }>
}

const engines: Engine[] = [
  {
    name: 'embedded PGlite (--db <dir>)',
    async start() {
      const root = await mkdtemp(join(tmpdir(), 'tripsage-cli-db-'))
      const dir = join(root, 'nested', 'db')
      return {
        args: ['--db', dir],
        migrateArgs: [],
        async exec(sql) {
          const opened = await openEmbeddedDatabase({ dataDir: dir, migrate: false })
          try {
            await opened.pglite.exec(sql)
          } finally {
            await opened.close()
          }
        },
        stop: () => rm(root, { recursive: true, force: true }),
      }
    },
  },
  {
    name: 'native PostgreSQL + pgvector (--db-url)',
    async start() {
      const server = await startPostgresServer()
      return {
        args: ['--db-url', server.url],
        // Plain Postgres lacks what Supabase provides: the platform stand-ins first.
        migrateArgs: ['--platform'],
        async exec(sql) {
          const client = new pg.Client({ connectionString: server.url })
          await client.connect()
          try {
            await client.query(sql)
          } finally {
            await client.end()
          }
        },
        stop: () => server.stop(),
      }
    },
  },
]

const total = bundledMigrations().length

describe.each(engines)('tripsage migrate and doctor on $name', (engine) => {
  let db: Awaited<ReturnType<Engine['start']>>
  beforeAll(async () => {
    db = await engine.start()
  }, 600_000)
  afterAll(() => db?.stop())

  it('doctor on a database the migrations never touched reports the missing schema (exit 1)', async () => {
    if (engine.name.startsWith('embedded')) {
      // No directory yet: doctor never creates one.
      const missing = await runCli(['doctor', ...db.args])
      expect(missing.code).toBe(EXIT.failed)
      expect(missing.stderr).toContain('no embedded database at')
      return
    }
    const { code, stdout } = await runCli(['doctor', ...db.args])
    expect(code).toBe(EXIT.failed)
    expect(stdout).toMatch(/fail\s+schema\s+no migration history/)
    expect(stdout).toMatch(/fail\s+pgvector\s+vector [\d.]+ is available but not installed/)
    expect(stdout).toMatch(/fail\s+roles\s+role anon is missing/)
    expect(stdout).toMatch(/\d+ problems found\n$/)
  })

  it('migrate applies every migration once; a second run applies none', async () => {
    const first = await runCli(['migrate', ...db.migrateArgs, ...db.args])
    expect(first.stderr).toBe('')
    expect(first.code).toBe(EXIT.ok)
    expect(first.stdout).toContain(`${total} applied, 0 already applied`)
    const second = await runCli(['migrate', ...db.migrateArgs, ...db.args])
    expect(second.code).toBe(EXIT.ok)
    expect(second.stdout).toContain(`0 applied, ${total} already applied`)
  })

  it('doctor then finds no problem: schema version, pgvector, roles, grants, RLS', async () => {
    const { code, stdout } = await runCli(['doctor', ...db.args])
    expect(code).toBe(EXIT.ok)
    const latest = bundledMigrations().at(-1)!
    expect(stdout).toContain(
      `ok    schema      ${total} of ${total} TripSage migrations applied (latest ${latest.version}_`,
    )
    expect(stdout).toMatch(/ok {4}pgvector {4}vector [\d.]+ installed/)
    expect(stdout).toMatch(/ok {4}roles {7}anon, authenticated, service_role exist/)
    expect(stdout).toMatch(
      /ok {4}grants {6}authenticated may use all \d+ TripSage tables; anon has no privilege on any/,
    )
    expect(stdout).toMatch(/ok {4}rls {9}row level security is on for all \d+ TripSage tables/)
    expect(stdout).toMatch(/no problems found\n$/)
  })

  it('doctor names a table without RLS, a grant to anon and an edited migration (exit 1)', async () => {
    const edited = bundledMigrations()[1]!
    await db.exec(`
      alter table public.search_hotels disable row level security;
      grant select on public.memories to anon;
      update supabase_migrations.schema_migrations set statements = statements || array['select 1']
        where version = '${edited.version}';
    `)
    const { code, stdout } = await runCli(['doctor', ...db.args])
    expect(code).toBe(EXIT.failed)
    expect(stdout).toMatch(/fail\s+rls\s+row level security is off for search_hotels\n/)
    expect(stdout).toMatch(/fail\s+grants\s+anon has privileges on memories\n/)
    expect(stdout).toContain(
      `fail  schema      applied but different from this SDK's files: ${edited.version}_${edited.name}.sql`,
    )
    expect(stdout).toMatch(/3 problems found\n$/)
  })
})
