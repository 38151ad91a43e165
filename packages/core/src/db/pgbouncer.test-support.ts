import { execFile, spawn } from 'node:child_process'
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** A PgBouncer in transaction mode on loopback (test support; Debian's `pgbouncer`). */
export interface PgBouncer {
  /** The port it listens on (127.0.0.1). */
  readonly port: number
  /** `url` with its host and port replaced by PgBouncer's. */
  urlFor(url: string): string
  /** Stops it and deletes its files. */
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  return typeof address === 'object' && address ? address.port : 0
}

/**
 * Starts `pgbouncer` in transaction mode in front of the server on `serverPort` (trust auth for
 * `postgres`, pool size `poolSize`), like Supavisor on port 6543. Runs it as the `postgres` OS
 * user when running as root, since PgBouncer refuses root.
 *
 * @param serverPort - the PostgreSQL server's port on 127.0.0.1
 * @param poolSize - server connections per database/user pair
 * @param database - the database it serves (same name on both sides)
 */
export async function startPgBouncer(serverPort: number, poolSize = 4, database = 'postgres'): Promise<PgBouncer> {
  const dir = await mkdtemp(join(tmpdir(), 'tripsage-pgbouncer-'))
  const port = await freePort()
  const config = join(dir, 'pgbouncer.ini')
  await writeFile(join(dir, 'users.txt'), '"postgres" ""\n')
  await writeFile(
    config,
    [
      '[databases]',
      `${database} = host=127.0.0.1 port=${serverPort} dbname=${database}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${poolSize}`,
      'max_client_conn = 200',
      'ignore_startup_parameters = extra_float_digits,options',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  )
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim())
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim())
    await chmod(dir, 0o700)
    for (const file of ['', 'pgbouncer.ini', 'users.txt']) await chown(join(dir, file), uid, gid)
  }
  const [cmd, args] = asRoot ? ['runuser', ['-u', 'postgres', '--', 'pgbouncer', config]] : ['pgbouncer', [config]]
  const child = spawn(cmd, args as string[], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  const deadline = Date.now() + 15_000
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = createServer().listen(port, '127.0.0.1')
      socket.on('listening', () => socket.close(() => resolve(false)))
      socket.on('error', () => resolve(true))
    })
    if (up) break
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`pgbouncer did not start: ${stderr.slice(-2000)}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    port,
    urlFor: (url) => {
      const parsed = new URL(url)
      parsed.hostname = '127.0.0.1'
      parsed.port = String(port)
      return parsed.toString()
    },
    async stop() {
      child.kill('SIGTERM')
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)))
      await rm(dir, { recursive: true, force: true })
    },
  }
}
