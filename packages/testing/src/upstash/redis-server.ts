import { type ChildProcess, spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { mkdtemp, realpath, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../free-port.js'
import { RespConnection } from './resp.js'

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** The port to listen on (default: a free loopback port). Pass the old port to restart a server. */
  port?: number
  /** The `redis-server` executable (default: `redis-server` on the `PATH`). */
  bin?: string
}

/** A throwaway `redis-server` on loopback, with no persistence. */
export interface RedisServer {
  /** Always loopback: the server is never reachable from outside. */
  readonly host: '127.0.0.1'
  /** A free port picked at start. */
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  /** Freezes the process (`SIGSTOP`): connections stay open, commands hang — a stalled Redis. */
  pause(): void
  /** Resumes a paused server (`SIGCONT`). */
  resume(): void
  /** Stops the server and deletes its working directory. Safe to call twice. */
  stop(): Promise<void>
}

// Servers still running when the process exits (a test that never reached its afterAll) are
// killed with it rather than left behind.
const running = new Map<ChildProcess, string>()
let exitHook = false
function track(child: ChildProcess, dir: string): void {
  running.set(child, dir)
  child.once('exit', () => running.delete(child))
  if (exitHook) return
  exitHook = true
  process.once('exit', () => {
    for (const [server, workDir] of running) {
      server.kill('SIGKILL')
      rmSync(workDir, { recursive: true, force: true })
    }
  })
}

const missing = 'redis-server not found: install the Debian package `redis-server` (apt-get install redis-server)'

/**
 * Starts `redis-server` on a free loopback port with persistence off (`--save ''`,
 * `--appendonly no`) in a temp working directory, and waits until it answers `PING`. Throws an
 * error naming the apt package `redis-server` when the executable is missing.
 *
 * @example
 * const redis = await startRedisServer()
 * afterAll(() => redis.stop())
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'tripsage-redis-')))
  // A port picked free can be taken by another process before redis-server binds it (parallel
  // test files start servers all the time): then start again on another one, unless it was given.
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort())
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir]
    const child = spawn(options.bin ?? 'redis-server', [...args, '--daemonize', 'no', '--loglevel', 'warning'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    track(child, dir)
    let output = ''
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000)
    }
    child.stdout?.on('data', collect)
    child.stderr?.on('data', collect)
    try {
      await spawned(child)
      await waitForPing(port, dir, child, () => output)
    } catch (error) {
      if (child.pid !== undefined) await exited(child, 'SIGKILL', 0)
      const retry = options.port === undefined && attempt < 5 && /Address already in use/i.test(output)
      if (retry) continue
      await rm(dir, { recursive: true, force: true })
      throw error
    }
    let stopped: Promise<void> | undefined
    return {
      host: '127.0.0.1',
      port,
      url: `redis://127.0.0.1:${port}`,
      pause: () => void child.kill('SIGSTOP'),
      resume: () => void child.kill('SIGCONT'),
      stop() {
        stopped ??= (async () => {
          child.kill('SIGCONT')
          await exited(child, 'SIGTERM', 3000)
          await rm(dir, { recursive: true, force: true })
        })()
        return stopped
      },
    }
  }
}

function spawned(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve())
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new Error(missing, { cause: error }) : error)
    })
  })
}

/** Waits until THIS server answers: its working directory is `dir` (another one may hold the port). */
async function waitForPing(port: number, dir: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break
    try {
      const connection = await RespConnection.open(port)
      try {
        const [reply] = await connection.send([['CONFIG', 'GET', 'dir']])
        if (Array.isArray(reply) && String(reply[1]) === dir) return
      } finally {
        connection.close()
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`redis-server did not start on port ${port}: ${log().trim().slice(-2000)}`)
}

/** Sends `signal`, then `SIGKILL` after `graceMs`, and resolves once the process is gone. */
function exited(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(force)
      resolve()
    })
    child.kill(signal)
  })
}
