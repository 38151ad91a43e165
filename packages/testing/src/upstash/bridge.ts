import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Redis, type RedisConfigNodejs } from '@upstash/redis'
import { type RedisServer, startRedisServer } from './redis-server.js'
import { type RespCommand, RespConnection, RespError, type RespReply } from './resp.js'
import { ScriptTranslator } from './scripts.js'

/** How the bridge misbehaves on purpose (see {@link UpstashBridge.setFailure}). */
export type BridgeFailure =
  /** Answer every request with HTTP 500 `{ "error": … }` (a broken backend). */
  | 'error'
  /** Drop the TCP connection without an answer (a network reset). */
  | 'reset'
  /** Never answer (a black hole); requests end when the bridge stops. */
  | 'hang'

/** Options of {@link startUpstashBridge}. */
export interface UpstashBridgeOptions {
  /**
   * Forward to this `redis-server` instead of starting a private one. The bridge does not stop a
   * server it was given.
   */
  redisServer?: RedisServer
  /** The bearer token clients must send (default: random). */
  token?: string
  /** Extra options for the `@upstash/redis` client returned as `redis` (e.g. `retry: false`). */
  client?: Omit<RedisConfigNodejs, 'url' | 'token'>
}

/** A local Upstash REST endpoint over a real `redis-server`. */
export interface UpstashBridge {
  /** `http://127.0.0.1:<port>` — pass it as the Upstash REST URL. */
  readonly url: string
  /** The bearer token the bridge accepts. */
  readonly token: string
  /** A real `@upstash/redis` client pointed at the bridge. */
  readonly redis: Redis
  /** The `redis-server` behind the bridge: stop or pause it to inject faults. */
  readonly redisServer: RedisServer
  /** Delays every request by `ms` before it reaches Redis (0 turns it off): a slow Redis. */
  setDelay(ms: number): void
  /** Makes every request fail in the given way, or behave again with `null`. */
  setFailure(failure: BridgeFailure | null): void
  /** How many times each command (upper case) reached Redis, e.g. `{ EVALSHA: 3, EVAL: 1 }`. */
  commandCounts(): Record<string, number>
  /** Stops the HTTP server, drops open connections and stops the `redis-server` it started. */
  stop(): Promise<void>
}

// Commands that would block, switch database or hijack the one shared connection.
const refused = new Set([
  'SUBSCRIBE',
  'PSUBSCRIBE',
  'SSUBSCRIBE',
  'UNSUBSCRIBE',
  'PUNSUBSCRIBE',
  'MONITOR',
  'SYNC',
  'PSYNC',
  'QUIT',
  'RESET',
  'SELECT',
  'MULTI',
  'EXEC',
  'DISCARD',
  'WATCH',
  'UNWATCH',
  'BLPOP',
  'BRPOP',
  'BLMOVE',
  'BRPOPLPUSH',
  'BZPOPMIN',
  'BZPOPMAX',
  'BLMPOP',
  'BZMPOP',
  'XREAD',
  'XREADGROUP',
  'WAIT',
  'SHUTDOWN',
])

class BadRequest extends Error {}

/**
 * Starts a loopback HTTP server that speaks the Upstash Redis REST protocol and forwards every
 * command to a real `redis-server` (started on a free port unless one is given), so the real
 * `@upstash/redis` and `@upstash/ratelimit` — Lua scripts included — run unmodified against it.
 *
 * Protocol: `POST /` with a JSON array command, `POST /pipeline` and `POST /multi-exec` with an
 * array of commands (the latter in `MULTI`/`EXEC`), path-style `/set/key/value?EX=10`,
 * `Authorization: Bearer <token>` (or `?_token=`), and base64 results when the request carries
 * `Upstash-Encoding: base64`. Results are `{ result }`; failures `{ error }` with HTTP 400 (401
 * for a bad token).
 *
 * @example
 * const upstash = await startUpstashBridge()
 * afterAll(() => upstash.stop())
 * const limiter = createRateLimiter({ redis: upstash.redis })
 */
export async function startUpstashBridge(options: UpstashBridgeOptions = {}): Promise<UpstashBridge> {
  const owned = options.redisServer === undefined
  const redisServer = options.redisServer ?? (await startRedisServer())
  const token = options.token ?? randomBytes(24).toString('base64url')
  const counts = new Map<string, number>()
  const timers = new Set<NodeJS.Timeout>()
  let delayMs = 0
  let failure: BridgeFailure | null = null
  let current: RespConnection | undefined
  let opening: Promise<RespConnection> | undefined

  // One pipelined connection, reopened after Redis went away (e.g. a restart in a fault test).
  const connect = (): Promise<RespConnection> => {
    if (current?.open) return Promise.resolve(current)
    opening ??= RespConnection.open(redisServer.port, redisServer.host)
      .then((opened) => {
        current = opened
        return opened
      })
      .finally(() => {
        opening = undefined
      })
    return opening
  }

  const scripts = new ScriptTranslator()
  const run = async (commands: RespCommand[]): Promise<RespReply[]> => {
    for (const command of commands) {
      const name = String(command[0]).toUpperCase()
      counts.set(name, (counts.get(name) ?? 0) + 1)
    }
    const replies = await (await connect()).send(commands.map((command) => scripts.toRedis(command)))
    return replies.map((reply, i) => scripts.fromRedis(commands[i]!, reply) as RespReply)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (failure === 'hang') return
    if (failure === 'reset') {
      req.socket.destroy()
      return
    }
    if (delayMs > 0) await sleep(delayMs, timers)
    if (failure === 'error') return reply(res, 500, { error: 'ERR injected failure' })
    if (!['GET', 'POST', 'PUT', 'HEAD'].includes(req.method ?? '')) {
      return reply(res, 405, { error: 'ERR method not allowed' })
    }
    const url = new URL(req.url ?? '/', 'http://bridge')
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1]
    if ((bearer ?? url.searchParams.get('_token')) !== token) return reply(res, 401, { error: 'Unauthorized' })
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64'
    const encode = (value: RespReply) => toJson(value, base64)
    const body = await readBody(req)
    try {
      if (url.pathname === '/pipeline' || url.pathname === '/multi-exec') {
        const commands = parseCommandList(body)
        if (url.pathname === '/pipeline') {
          const replies = await run(commands)
          return reply(res, 200, replies.map(item(encode)))
        }
        const replies = await run([['MULTI'], ...commands, ['EXEC']])
        const exec = replies[replies.length - 1]
        if (!Array.isArray(exec)) {
          const queued = replies.find((r) => r instanceof RespError)
          return reply(res, 400, { error: errorText(queued ?? exec ?? null) })
        }
        const results = exec.map((r, i) => scripts.fromRedis(commands[i]!, r) as RespReply)
        return reply(res, 200, results.map(item(encode)))
      }
      const command = url.pathname === '/' ? parseCommand(body) : pathCommand(url, body)
      const [result = null] = await run([command])
      if (result instanceof RespError) return reply(res, 400, { error: result.message })
      return reply(res, 200, { result: encode(result) })
    } catch (error) {
      if (error instanceof BadRequest) return reply(res, 400, { error: error.message })
      return reply(res, 500, { error: `ERR bridge cannot reach redis-server: ${(error as Error).message}` })
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) reply(res, 500, { error: `ERR ${error.message}` })
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  const redis = new Redis({ url, token, enableTelemetry: false, ...options.client })

  let stopped: Promise<void> | undefined
  return {
    url,
    token,
    redis,
    redisServer,
    setDelay(ms) {
      delayMs = Math.max(0, ms)
    },
    setFailure(next) {
      failure = next
    },
    commandCounts: () => Object.fromEntries(counts),
    stop() {
      stopped ??= (async () => {
        for (const timer of timers) clearTimeout(timer)
        timers.clear()
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
        await opening?.catch(() => undefined)
        current?.close()
        if (owned) await redisServer.stop()
      })()
      return stopped
    },
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

function item(encode: (value: RespReply) => unknown) {
  return (value: RespReply) => (value instanceof RespError ? { error: value.message } : { result: encode(value) })
}

function errorText(value: RespReply): string {
  return value instanceof RespError ? value.message : 'ERR transaction failed'
}

/**
 * A RESP reply as Upstash renders it. With base64 encoding every string is base64 — bulk and
 * status replies alike, since the client decodes them all — except a top-level `OK`, which the
 * client keeps as is.
 */
function toJson(value: RespReply, base64: boolean, top = true): unknown {
  if (Buffer.isBuffer(value)) return base64 ? value.toString('base64') : value.toString('utf8')
  if (typeof value === 'string')
    return base64 && !(top && value === 'OK') ? Buffer.from(value).toString('base64') : value
  if (Array.isArray(value)) return value.map((v) => toJson(v, base64, false))
  if (value instanceof RespError) return value.message
  return value
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function argument(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

function checked(command: unknown): RespCommand {
  if (!Array.isArray(command) || command.length === 0) throw new BadRequest('ERR command must be a non-empty array')
  const args = command.map(argument)
  const name = args[0]!.toUpperCase()
  if (refused.has(name)) throw new BadRequest(`ERR command ${name} is not supported by the REST bridge`)
  return args
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    throw new BadRequest('ERR failed to parse the request body as JSON')
  }
}

function parseCommand(body: Buffer): RespCommand {
  return checked(parseJson(body))
}

function parseCommandList(body: Buffer): RespCommand[] {
  const list = parseJson(body)
  if (!Array.isArray(list) || list.length === 0) throw new BadRequest('ERR expected a non-empty array of commands')
  return list.map(checked)
}

/** `/set/foo/bar?EX=100` → `SET foo bar EX 100`; a request body becomes the last path argument. */
function pathCommand(url: URL, body: Buffer): RespCommand {
  const args: (string | Buffer)[] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent)
  if (body.length > 0) args.push(body)
  for (const [name, value] of url.searchParams) {
    if (name === '_token') continue
    args.push(name)
    if (value !== '') args.push(value)
  }
  const name = String(args[0] ?? '').toUpperCase()
  if (!name) throw new BadRequest('ERR command must be a non-empty array')
  if (refused.has(name)) throw new BadRequest(`ERR command ${name} is not supported by the REST bridge`)
  return args
}

function sleep(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      resolve()
    }, ms)
    timers.add(timer)
  })
}
