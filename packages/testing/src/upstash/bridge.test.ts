import { createHash } from 'node:crypto'
import { Ratelimit } from '@upstash/ratelimit'
import { Redis } from '@upstash/redis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startUpstashBridge, type UpstashBridge } from './bridge.js'
import { startRedisServer } from './redis-server.js'
import { RespConnection } from './resp.js'

let bridge: UpstashBridge
beforeAll(async () => {
  bridge = await startUpstashBridge()
})
afterAll(() => bridge.stop())
afterEach(() => {
  bridge.setDelay(0)
  bridge.setFailure(null)
})

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${bridge.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bridge.token}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })

describe('the Upstash REST bridge with the real @upstash/redis client', () => {
  it('round-trips strings, JSON and non-ASCII text (base64 responses)', async () => {
    const { redis } = bridge
    await redis.set('b:text', 'päivää 🌍 \u0000 "quoted"')
    await redis.set('b:json', { trip: 'Lisbon', days: [1, 2] })
    expect(await redis.get('b:text')).toBe('päivää 🌍 \u0000 "quoted"')
    expect(await redis.get('b:json')).toEqual({ trip: 'Lisbon', days: [1, 2] })
    expect(await redis.mget('b:text', 'b:missing')).toEqual(['päivää 🌍 \u0000 "quoted"', null])
    expect(await redis.incr('b:n')).toBe(1)
    expect(await redis.set('b:nx', 'first', { nx: true, get: true })).toBeNull()
    expect(await redis.set('b:nx', 'second', { nx: true, get: true })).toBe('first')
  })

  it('runs pipelines and MULTI/EXEC transactions', async () => {
    const { redis } = bridge
    expect(await redis.pipeline().set('p:k', 1).incr('p:k').get('p:k').exec()).toEqual(['OK', 2, 2])
    expect(await redis.multi().set('m:k', 'v').get('m:k').del('m:k').exec()).toEqual(['OK', 'v', 1])
    const results = await redis.pipeline().set('p:s', 'text').incr('p:s').get('p:s').exec({ keepErrors: true })
    expect(results[1]!.error).toMatch(/not an integer/)
    expect(results[2]!.result).toBe('text')
  })

  it('turns command errors into UpstashError, like Upstash', async () => {
    await bridge.redis.set('e:text', 'x')
    await expect(bridge.redis.incr('e:text')).rejects.toThrow(/ERR value is not an integer/)
  })

  it('runs Lua: EVAL, EVALSHA, SCRIPT LOAD / EXISTS, NOSCRIPT', async () => {
    const { redis } = bridge
    const script = "return {KEYS[1], ARGV[1], redis.call('INCR', KEYS[1])}"
    const sha = createHash('sha1').update(script).digest('hex')
    await expect(redis.evalsha(sha, ['lua:k'], ['a'])).rejects.toThrow(/NOSCRIPT/)
    expect(await redis.scriptLoad(script)).toBe(sha)
    expect(await redis.scriptExists(sha)).toEqual([1])
    expect(await redis.evalsha(sha, ['lua:k'], ['a'])).toEqual(['lua:k', 'a', 1])
    expect(await redis.eval(script, ['lua:k'], ['b'])).toEqual(['lua:k', 'b', 2])
  })

  it('accepts Upstash’s `allow-key-locking` shebang flag and keeps the client’s SHA-1 valid', async () => {
    const { redis } = bridge
    const script = "#!lua flags=allow-key-locking\nreturn redis.call('INCR', KEYS[1])"
    const sha = createHash('sha1').update(script).digest('hex')
    expect(await redis.scriptLoad(script)).toBe(sha)
    expect(await redis.scriptExists(sha)).toEqual([1])
    expect(await redis.evalsha(sha, ['flag:k'], [])).toBe(1)
    expect(await redis.eval(script, ['flag:k'], [])).toBe(2)
  })

  it('runs @upstash/ratelimit unmodified (all single-region algorithms, their Lua scripts)', async () => {
    const limiters = [
      Ratelimit.slidingWindow(2, '10 s'),
      Ratelimit.fixedWindow(2, '10 s'),
      Ratelimit.tokenBucket(1, '10 s', 2),
    ].map((limiter, i) => new Ratelimit({ redis: bridge.redis, limiter, prefix: `rl-${i}`, enableTelemetry: false }))
    const before = bridge.commandCounts()
    for (const limiter of limiters) {
      const results = [await limiter.limit('id'), await limiter.limit('id'), await limiter.limit('id')]
      expect(results.map((r) => r.success)).toEqual([true, true, false])
      expect(await limiter.getRemaining('id')).toMatchObject({ remaining: 0 })
    }
    const after = bridge.commandCounts()
    expect((after.EVALSHA ?? 0) - (before.EVALSHA ?? 0)).toBeGreaterThanOrEqual(12)
    expect((after.EVAL ?? 0) - (before.EVAL ?? 0)).toBeGreaterThanOrEqual(1) // NOSCRIPT → EVAL loads each script once
  })

  it('refuses a wrong token with 401, and a client with it gets an error', async () => {
    const wrong = new Redis({ url: bridge.url, token: 'wrong', enableTelemetry: false })
    await expect(wrong.get('x')).rejects.toThrow(/Unauthorized/)
    const res = await fetch(bridge.url, { method: 'POST', body: '["PING"]' })
    expect(res.status).toBe(401)
  })
})

describe('the Upstash REST bridge over raw HTTP', () => {
  it('answers plain JSON without Upstash-Encoding, base64 with it', async () => {
    await post('/', ['SET', 'raw:k', 'héllo'])
    expect(await (await post('/', ['GET', 'raw:k'])).json()).toEqual({ result: 'héllo' })
    const encoded = await (await post('/', ['GET', 'raw:k'], { 'upstash-encoding': 'base64' })).json()
    expect(encoded).toEqual({ result: Buffer.from('héllo').toString('base64') })
    expect(await (await post('/', ['SET', 'raw:k', 'x'], { 'upstash-encoding': 'base64' })).json()).toEqual({
      result: 'OK',
    })
  })

  it('returns 400 { error } for command errors and bad bodies, per-item errors in a pipeline', async () => {
    const bad = await post('/', ['NOSUCHCOMMAND'])
    expect(bad.status).toBe(400)
    expect((await bad.json()).error).toMatch(/unknown command/i)
    expect((await post('/', 'not json')).status).toBe(400)
    expect((await post('/', [])).status).toBe(400)
    expect((await post('/', ['SUBSCRIBE', 'x'])).status).toBe(400)
    const pipeline = await post('/pipeline', [['SET', 'pl:k', 'v'], ['NOSUCHCOMMAND'], ['GET', 'pl:k']])
    expect(await pipeline.json()).toEqual([
      { result: 'OK' },
      { error: expect.stringMatching(/unknown command/i) },
      { result: 'v' },
    ])
    const aborted = await post('/multi-exec', [['SET', 'tx:k', 'v'], ['NOSUCHCOMMAND']])
    expect(aborted.status).toBe(400)
    expect(await (await post('/', ['EXISTS', 'tx:k'])).json()).toEqual({ result: 0 })
  })

  it('supports path-style commands, a body as the last argument, and ?_token=', async () => {
    const url = `${bridge.url}/set/path:k/v1/EX/100?_token=${encodeURIComponent(bridge.token)}`
    expect(await (await fetch(url)).json()).toEqual({ result: 'OK' })
    const body = await fetch(`${bridge.url}/set/path:body?EX=100`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bridge.token}` },
      body: '{"a":1}',
    })
    expect(await body.json()).toEqual({ result: 'OK' })
    expect(await bridge.redis.get('path:body')).toEqual({ a: 1 })
    expect(await bridge.redis.ttl('path:body')).toBeGreaterThan(90)
    expect((await fetch(bridge.url, { method: 'DELETE' })).status).toBe(405)
  })
})

describe('fault injection', () => {
  it('setDelay slows every request', async () => {
    bridge.setDelay(120)
    const started = performance.now()
    await bridge.redis.get('x')
    expect(performance.now() - started).toBeGreaterThanOrEqual(115)
  })

  it('setFailure: error → HTTP 500, reset → dropped connection, hang → no answer', async () => {
    bridge.setFailure('error')
    expect((await post('/', ['PING'])).status).toBe(500)
    bridge.setFailure('reset')
    await expect(post('/', ['PING'])).rejects.toThrow()
    bridge.setFailure('hang')
    const hung = await Promise.race([
      post('/', ['PING']).then(() => 'answered'),
      new Promise((r) => setTimeout(() => r('hung'), 150)),
    ])
    expect(hung).toBe('hung')
    bridge.setFailure(null)
    expect(await bridge.redis.ping()).toBe('PONG')
  })

  it('redis-server stopped: 500 { error }; restarted on the same port: served again', async () => {
    const server = await startRedisServer()
    const own = await startUpstashBridge({ redisServer: server, client: { retry: false } })
    try {
      await own.redis.set('k', 'v')
      await server.stop()
      await expect(own.redis.get('k')).rejects.toThrow(/cannot reach redis-server/)
      const restarted = await startRedisServer({ port: server.port })
      try {
        expect(await own.redis.get('k')).toBeNull() // a new, empty Redis
        expect(await own.redis.ping()).toBe('PONG')
      } finally {
        await restarted.stop()
      }
    } finally {
      await own.stop()
    }
  })

  it('stop() ends hanging requests and stops the redis-server it started', async () => {
    const own = await startUpstashBridge({ client: { retry: false } })
    own.setFailure('hang')
    const pending = own.redis.get('k').then(
      () => 'answered',
      () => 'failed',
    )
    await new Promise((r) => setTimeout(r, 20))
    await own.stop()
    expect(await pending).toBe('failed')
    await expect(RespConnection.open(own.redisServer.port)).rejects.toThrow(/ECONNREFUSED/)
  })
})
