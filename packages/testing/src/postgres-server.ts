import { execFile, spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from './free-port.js'

const run = promisify(execFile)

/** A throwaway PostgreSQL server on loopback. */
export interface PostgresServer {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string
  /** The TCP port it listens on (127.0.0.1 only). */
  readonly port: number
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>
}

/**
 * Starts a throwaway PostgreSQL server (Debian's `postgresql` package) on a free loopback port,
 * with a fresh cluster in a temp dir and `trust` auth for `postgres`. When running as root it runs
 * the server as the `postgres` OS user, since Postgres refuses root. Throws a clear error naming the
 * apt package when no server binaries are installed.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = findPostgresBin()
  const root = await mkdtemp(join(tmpdir(), 'tripsage-pg-'))
  const dataDir = join(root, 'data')
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    await chmod(root, 0o700)
    await chown(root, Number(stdout.trim()), Number(gid.trim()))
  }
  const as = (cmd: string, args: string[]) =>
    (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]]
  await run(
    ...as(join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ]),
  )
  const port = await freePort()
  const child = spawn(
    ...as(join(bin, 'postgres'), [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      root,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=50',
    ]),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`
  await waitForReady(join(bin, 'pg_isready'), port, () => stderr)
  return {
    url,
    port,
    async stop() {
      // pg_ctl signals the postmaster itself; a signal to `runuser` would not reach it.
      await run(...as(join(bin, 'pg_ctl'), ['-D', dataDir, 'stop', '-m', 'fast', '-w'])).catch(() =>
        child.kill('SIGKILL'),
      )
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)))
      await rm(root, { recursive: true, force: true })
    },
  }
}

function findPostgresBin(): string {
  const base = '/usr/lib/postgresql'
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : []
  for (const v of versions) {
    const bin = join(base, v, 'bin')
    if (existsSync(join(bin, 'postgres'))) return bin
  }
  throw new Error(
    'PostgreSQL server binaries not found: install the Debian package `postgresql` (apt-get install postgresql)',
  )
}

async function waitForReady(pgIsReady: string, port: number, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    try {
      await run(pgIsReady, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'])
      return
    } catch {
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  throw new Error(`PostgreSQL did not start on port ${port}: ${log().slice(-2000)}`)
}
