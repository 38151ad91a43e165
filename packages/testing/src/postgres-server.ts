import { type ChildProcess, execFile, spawn } from 'node:child_process'
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

/** Options of {@link startPostgresServer}. */
export interface PostgresServerOptions {
  /** `max_connections` of the server (default 50). A server shared by parallel test files needs more. */
  maxConnections?: number
}

/**
 * Starts a throwaway PostgreSQL server (Debian's `postgresql` package) on a free loopback port,
 * with a fresh cluster in a temp dir and `trust` auth for `postgres`. When running as root it runs
 * the server as the `postgres` OS user, since Postgres refuses root. Throws a clear error naming the
 * apt package when no server binaries are installed.
 *
 * The port is free when picked, but another process may take it before the server binds it
 * (parallel test files start servers all the time): the server is then started again on another
 * port. Readiness is asked over the server's own Unix socket, so a server of someone else that
 * listens on the same TCP port is never taken for this one.
 *
 * @example
 * const server = await startPostgresServer()
 * afterAll(() => server.stop())
 */
export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
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
  const maxConnections = options.maxConnections ?? 50
  for (let attempt = 1; ; attempt++) {
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
        `max_connections=${maxConnections}`,
      ]),
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    let stderr = ''
    child.stderr?.on('data', (d) => {
      stderr += d
    })
    const ready = await waitForReady(join(bin, 'pg_isready'), root, port, child, () => stderr)
    if (ready === 'port taken' && attempt < 5) continue
    if (ready !== 'ready') {
      child.kill('SIGKILL')
      await rm(root, { recursive: true, force: true })
      throw new Error(`PostgreSQL did not start on port ${port}: ${stderr.slice(-2000)}`)
    }
    return {
      url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
      port,
      async stop() {
        // pg_ctl signals the postmaster itself; a signal to `runuser` would not reach it.
        await run(...as(join(bin, 'pg_ctl'), ['-D', dataDir, 'stop', '-m', 'fast', '-w'])).catch(() =>
          child.kill('SIGKILL'),
        )
        await new Promise((r) =>
          child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r),
        )
        await rm(root, { recursive: true, force: true })
      },
    }
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

/**
 * Waits until the server answers on its own socket directory (`-k socketDir`): `'port taken'` when
 * it exited because its TCP port was bound by another process first.
 */
async function waitForReady(
  pgIsReady: string,
  socketDir: string,
  port: number,
  child: ChildProcess,
  log: () => string,
): Promise<'ready' | 'port taken' | 'failed'> {
  const exited = () => child.exitCode !== null || child.signalCode !== null
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (exited())
      return /could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(log())
        ? 'port taken'
        : 'failed'
    try {
      await run(pgIsReady, ['-h', socketDir, '-p', String(port), '-U', 'postgres'])
      return 'ready'
    } catch {
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return 'failed'
}
