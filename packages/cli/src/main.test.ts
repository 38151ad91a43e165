import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { bundledMigrations } from '@tripsage/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT } from './main.js'
import { runCli } from './run-cli.test-support.js'

describe('tripsage usage', () => {
  it('--help prints the commands and exits 0', async () => {
    const { code, stdout } = await runCli(['--help'])
    expect(code).toBe(EXIT.ok)
    expect(stdout).toMatch(/^Usage: tripsage <command>/)
    for (const command of ['migrations', 'migrate', 'doctor']) expect(stdout).toContain(`  ${command}`)
  })

  it.each([
    [[], 'missing command'],
    [['frobnicate'], 'unknown command: frobnicate'],
    [['migrate'], 'needs --db-url'],
    [['doctor', '--db-url', 'postgresql://x', '--db', '/tmp/x'], 'not both'],
    [['migrations', '--wat'], "Unknown option '--wat'"],
    [['migrations', 'a', 'b'], 'unexpected argument: b'],
    [['doctor', '--check', '--db', '/tmp/x'], '--check applies to `migrations` only'],
  ])('%j is a usage error (exit 2) saying %s', async (argv, message) => {
    const { code, stderr, stdout } = await runCli(argv)
    expect(code).toBe(EXIT.usage)
    expect(stderr).toContain(message)
    expect(stderr).toContain('tripsage --help')
    expect(stdout).toBe('')
  })

  it('an unreachable database fails with exit 1 and never prints the password', async () => {
    // A port that was free a moment ago: the connection is refused.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number }
        probe.close(() => resolve(port))
      })
    })
    const url = `postgresql://app:s3cr3t-pw@127.0.0.1:${port}/postgres`
    const { code, stdout, stderr } = await runCli(['doctor'], { DATABASE_URL: url })
    expect(code).toBe(EXIT.failed)
    expect(stderr).toMatch(/^tripsage doctor: .*ECONNREFUSED/)
    expect(`${stdout}${stderr}`).not.toContain('s3cr3t-pw')
    expect(stdout).toContain('app:***@127.0.0.1')
  })
})

describe('tripsage migrations', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tripsage-cli-migrations-'))
  })
  afterAll(() => rm(root, { recursive: true, force: true }))

  it('writes the files, then reports them unchanged; --check exits 1 only when something is missing', async () => {
    const dir = join(root, 'supabase', 'migrations')
    const total = bundledMigrations().length
    expect((await runCli(['migrations', '--check', dir])).code).toBe(EXIT.failed)
    const first = await runCli(['migrations', dir])
    expect(first.code).toBe(EXIT.ok)
    expect(first.stdout).toContain(`${total} added, 0 unchanged, 0 edited of ${total}`)
    const second = await runCli(['migrations', dir])
    expect(second.stdout).toContain(`0 added, ${total} unchanged, 0 edited`)
    expect((await runCli(['migrations', '--check', dir])).code).toBe(EXIT.ok)
  })

  it('exits 1 and names an edited file', async () => {
    const dir = join(root, 'edited')
    await runCli(['migrations', dir])
    const m = bundledMigrations()[2]!
    await writeFile(join(dir, `${m.version}_${m.name}.sql`), `${m.sql}\n-- edited\nselect 1;\n`)
    const { code, stdout, stderr } = await runCli(['migrations', dir])
    expect(code).toBe(EXIT.failed)
    expect(stdout).toContain(`edited    ${m.version}_${m.name}.sql`)
    expect(stderr).toContain('new migration file')
  })
})

describe('the tripsage bin', () => {
  it('runs from its shebang entry with real argv and exit codes', async () => {
    const cli = join(dirname(fileURLToPath(import.meta.url)), 'cli.ts')
    const run = promisify(execFile)
    const node = [process.execPath, ['--conditions=@tripsage/source', '--import', 'tsx', cli]] as const
    const version = await run(node[0], [...node[1], '--version'])
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
    const error = await run(node[0], [...node[1], 'nope']).catch((e: { code: number; stderr: string }) => e)
    expect(error).toMatchObject({ code: 2 })
    expect((error as { stderr: string }).stderr).toContain('unknown command: nope')
  }, 600_000)
})
