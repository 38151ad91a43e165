import { startRedisServer, startUpstashBridge, type UpstashBridge } from '@tripsage/testing'
import fc from 'fast-check'
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest'
import { TripSageError } from '../errors.js'
import { defaultRateLimitRules, type RateLimitAlgorithm } from './default-rules.js'
import { randomHex, sha256Hex } from './hash.js'
import { memoryKv } from './memory-kv.js'
import { createRateLimiter, type RateLimitResult } from './ratelimit.js'
import type { KvFailureEvent, KvStore } from './types.js'

const isCode = (code: string) => (error: unknown) => TripSageError.isInstance(error) && error.code === code

/** The store with every TTL dropped. */
const withoutTtl = (kv: KvStore): KvStore => ({
  ...kv,
  update: (key, decide) => kv.update(key, (current, now) => ({ ...decide(current, now), ttlMs: undefined })),
})

describe('createRateLimiter (configuration)', () => {
  it('includes the default rules, lets a rule override only some fields, and adds new ones', () => {
    const limiter = createRateLimiter({
      kv: memoryKv(),
      rules: { 'trips.create': { limit: 5 }, 'reports.export': { limit: 2, window: '1 h', failureMode: 'open' } },
    })
    expect(limiter.rules['trips.create']).toEqual({
      limit: 5,
      windowMs: 60_000,
      algorithm: 'sliding-window',
      refillRate: 5,
      failureMode: 'closed',
    })
    expect(limiter.rules['reports.export']).toMatchObject({ limit: 2, windowMs: 3_600_000, failureMode: 'open' })
    expect(Object.keys(limiter.rules)).toEqual(expect.arrayContaining(Object.keys(defaultRateLimitRules)))
    expectTypeOf(limiter.check)
      .parameter(0)
      .toEqualTypeOf<keyof typeof defaultRateLimitRules | 'trips.create' | 'reports.export'>()
  })

  it('leaves the defaults out with `defaults: false`', async () => {
    const limiter = createRateLimiter({ kv: memoryKv(), defaults: false, rules: { only: { limit: 1, window: 1000 } } })
    expect(Object.keys(limiter.rules)).toEqual(['only'])
    expectTypeOf(limiter.check).parameter(0).toEqualTypeOf<'only'>()
    await expect(limiter.check('memory.search' as 'only', 'u')).rejects.toSatisfy(isCode('validation'))
  })

  it('fails closed by default and keeps reads in the defaults fail-open', () => {
    const rules = createRateLimiter({ kv: memoryKv() }).rules
    expect(rules['memory.search'].failureMode).toBe('closed')
    expect(rules['keys.change'].failureMode).toBe('closed')
    expect(rules['trips.read'].failureMode).toBe('open')
  })

  it.each([
    [{ bad: { limit: 0, window: '60 s' } }],
    [{ bad: { limit: 1.5, window: '60 s' } }],
    [{ bad: { limit: 1, window: '60 parsecs' } }],
    [{ bad: { limit: 1, window: 0 } }],
    [{ bad: { limit: 1, window: '60 s', algorithm: 'leaky' } }],
    [{ bad: { limit: 1, window: '60 s', extra: true } }],
    [{ 'bad name!': { limit: 1, window: '60 s' } }],
  ])('refuses an invalid rule with a validation error: %j', (rules) => {
    expect(() => createRateLimiter({ kv: memoryKv(), rules: rules as never })).toThrow(
      expect.objectContaining({ code: 'validation' }),
    )
  })

  it('needs exactly one backend', () => {
    expect(() => createRateLimiter({} as never)).toThrow(expect.objectContaining({ code: 'validation' }))
    expect(() => createRateLimiter({ kv: memoryKv(), redis: {} } as never)).toThrow(
      expect.objectContaining({ code: 'validation' }),
    )
  })
})

describe('createRateLimiter on Redis', () => {
  let bridge: UpstashBridge
  beforeAll(async () => {
    bridge = await startUpstashBridge()
  })
  afterAll(() => bridge.stop())
  afterEach(() => {
    vi.useRealTimers()
  })

  it('runs @upstash/ratelimit’s Lua scripts through the bridge', async () => {
    const before = bridge.commandCounts()
    const limiter = createRateLimiter({
      redis: bridge.redis,
      prefix: `rl:${randomHex(4)}`,
      rules: { op: { limit: 1, window: '60 s' } },
    })
    await limiter.check('op', 'u')
    await limiter.check('op', 'u')
    const after = bridge.commandCounts()
    expect((after.EVALSHA ?? 0) - (before.EVALSHA ?? 0)).toBe(2)
  })

  it('stores only hashed identifiers: user:{sha256} and ip:{sha256}', async () => {
    const prefix = `rl:${randomHex(4)}`
    const limiter = createRateLimiter({ redis: bridge.redis, prefix, rules: { op: { limit: 5, window: '60 s' } } })
    await limiter.check('op', 'alice@example.com')
    await limiter.check('op', { ip: '203.0.113.7' })
    const keys = await bridge.redis.keys(`${prefix}:*`)
    expect(keys).toHaveLength(2)
    const user = `${prefix}:op:user:${await sha256Hex('alice@example.com')}:`
    const ip = `${prefix}:op:ip:${await sha256Hex('203.0.113.7')}:`
    expect(keys.some((k) => k.startsWith(user))).toBe(true)
    expect(keys.some((k) => k.startsWith(ip))).toBe(true)
    expect(keys.join()).not.toMatch(/alice|203\.0\.113/)
  })

  it('property: Redis and memoryKv decide the same under bursts, and never exceed the limit', async () => {
    const schedule = fc.record({
      algorithm: fc.constantFrom<RateLimitAlgorithm>('sliding-window', 'fixed-window', 'token-bucket'),
      limit: fc.integer({ min: 1, max: 8 }),
      refillRate: fc.integer({ min: 1, max: 4 }),
      windowMs: fc.constantFrom(1_000, 60_000),
      start: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      steps: fc.array(
        fc.record({ advance: fc.double({ min: 0, max: 1.6, noNaN: true }), burst: fc.integer({ min: 1, max: 12 }) }),
        { minLength: 1, maxLength: 8 },
      ),
    })
    await fc.assert(
      fc.asyncProperty(schedule, async ({ algorithm, limit, refillRate, windowMs, start, steps }) => {
        const rules = { op: { limit, window: windowMs, algorithm, refillRate } }
        let clock = 0
        const now = () => clock
        const prefix = `rl:${randomHex(6)}`
        const onRedis = createRateLimiter({ redis: bridge.redis, prefix, defaults: false, rules })
        // Only Date is faked: redis-server still expires keys on real time, i.e. never within a run.
        // So the arithmetic is compared against a store without TTLs, and the invariant is also
        // checked on a store with TTLs on the fake clock (a token bucket expires once full and
        // restarts anchored at the next request, as it does on Redis when real time passes).
        const arithmetic = createRateLimiter({ kv: withoutTtl(memoryKv({ now })), prefix, defaults: false, rules })
        const expiring = createRateLimiter({ kv: memoryKv({ now }), prefix, defaults: false, rules })
        const t0 = Math.floor(Date.UTC(2031, 0, 1) / windowMs) * windowMs + Math.floor(start * windowMs)
        let t = t0
        const allowedSoFar = [0, 0]
        const perWindow = [new Map<number, number>(), new Map<number, number>()]
        vi.useFakeTimers({ toFake: ['Date'] })
        for (const { advance, burst } of steps) {
          t += Math.floor(advance * windowMs)
          vi.setSystemTime(t)
          clock = t
          const checkAll = (limiter: typeof onRedis) =>
            Promise.all(Array.from({ length: burst }, () => limiter.check('op', 'subject')))
          const [redisResults, memoryResults, expiringResults] = await Promise.all([
            checkAll(onRedis),
            checkAll(arithmetic),
            checkAll(expiring),
          ])
          const canonical = (results: RateLimitResult[]) =>
            results.map((r) => `${r.success}/${r.remaining}/${r.reset}`).sort()
          expect(canonical(redisResults)).toEqual(canonical(memoryResults))
          for (const [i, results] of [redisResults, expiringResults].entries()) {
            const allowed = results.filter((r) => r.success).length
            allowedSoFar[i]! += allowed
            const window = Math.floor(t / windowMs)
            perWindow[i]!.set(window, (perWindow[i]!.get(window) ?? 0) + allowed)
            if (algorithm === 'token-bucket') {
              expect(allowedSoFar[i]).toBeLessThanOrEqual(limit + refillRate * Math.floor((t - t0) / windowMs))
            } else {
              expect(perWindow[i]!.get(window)).toBeLessThanOrEqual(limit)
            }
          }
        }
        vi.useRealTimers()
      }),
      { numRuns: 60 },
    )
  })

  it('with the ephemeral cache on, still never exceeds the limit and denies without Redis', async () => {
    const limiter = createRateLimiter({
      redis: bridge.redis,
      prefix: `rl:${randomHex(4)}`,
      ephemeralCache: true,
      rules: { op: { limit: 3, window: '60 s' } },
    })
    const first = await Promise.all(Array.from({ length: 10 }, () => limiter.check('op', 'u')))
    expect(first.filter((r) => r.success)).toHaveLength(3)
    const before = bridge.commandCounts().EVALSHA ?? 0
    const again = await limiter.check('op', 'u')
    expect(again).toMatchObject({ success: false, reason: 'limited' })
    expect(bridge.commandCounts().EVALSHA ?? 0).toBe(before)
  })
})

describe('createRateLimiter when Redis fails', () => {
  let bridge: UpstashBridge
  let failures: KvFailureEvent[]
  // Deadlines, not speed: the delay (5 s) is far past timeout + slack, so finishing under that bound
  // proves the timeout cut the call; the generous timeout keeps healthy calls healthy on a loaded machine.
  const timeoutMs = 500
  const slack = 1_500
  const limiterFor = (b: UpstashBridge) =>
    createRateLimiter({
      redis: b.redis,
      prefix: `rl:${randomHex(4)}`,
      timeoutMs,
      defaults: false,
      rules: {
        write: { limit: 5, window: '60 s', failureMode: 'closed' },
        read: { limit: 5, window: '60 s', failureMode: 'open' },
      },
      onFailure: (event) => failures.push(event),
    })
  const timed = async <T>(work: () => Promise<T>) => {
    const started = performance.now()
    const value = await work()
    return { value, ms: performance.now() - started }
  }

  beforeAll(async () => {
    bridge = await startUpstashBridge()
  })
  afterAll(() => bridge.stop())
  afterEach(() => {
    failures = []
    bridge.setDelay(0)
    bridge.setFailure(null)
  })
  failures = []

  it('slow Redis (delaying proxy): decides within the timeout — closed denies, open allows', async () => {
    const limiter = limiterFor(bridge)
    expect((await limiter.check('write', 'u')).reason).toBe('allowed')
    bridge.setDelay(5_000)
    const closed = await timed(() => limiter.check('write', 'u'))
    const open = await timed(() => limiter.check('read', 'u'))
    expect(closed.value).toEqual({ success: false, limit: 5, remaining: 0, reset: 0, reason: 'timeout' })
    expect(open.value).toMatchObject({ success: true, reason: 'timeout' })
    for (const { ms } of [closed, open]) {
      expect(ms).toBeGreaterThanOrEqual(timeoutMs - 5)
      expect(ms).toBeLessThan(timeoutMs + slack)
    }
    await expect(limiter.enforce('write', 'u')).rejects.toSatisfy(isCode('unavailable'))
    await expect(limiter.enforce('read', 'u')).resolves.toMatchObject({ success: true, reason: 'timeout' })
    expect(failures.map((f) => [f.component, f.rule, f.reason])).toContainEqual(['ratelimit', 'write', 'timeout'])
    bridge.setDelay(0)
    expect((await limiter.check('write', 'u')).reason).toBe('allowed')
  })

  it('network resets (the client retries with backoff): still decides within the timeout', async () => {
    const limiter = limiterFor(bridge)
    bridge.setFailure('reset')
    const closed = await timed(() => limiter.check('write', 'u'))
    const open = await timed(() => limiter.check('read', 'u'))
    expect(closed.value).toMatchObject({ success: false, reason: 'timeout' })
    expect(open.value).toMatchObject({ success: true, reason: 'timeout' })
    expect(Math.max(closed.ms, open.ms)).toBeLessThan(timeoutMs + slack)
  })

  it('an error from Redis: closed denies as unavailable, open allows, both at once', async () => {
    const limiter = limiterFor(bridge)
    bridge.setFailure('error')
    const closed = await timed(() => limiter.check('write', 'u'))
    const open = await timed(() => limiter.check('read', 'u'))
    expect(closed.value).toMatchObject({ success: false, reason: 'unavailable' })
    expect(open.value).toMatchObject({ success: true, reason: 'unavailable' })
    expect(Math.max(closed.ms, open.ms)).toBeLessThan(timeoutMs)
    expect(failures.map((f) => f.reason)).toEqual(['error', 'error'])
  })

  it('a stalled redis-server (SIGSTOP): timeouts, then normal service once it resumes', async () => {
    const limiter = limiterFor(bridge)
    expect((await limiter.check('write', 'u')).reason).toBe('allowed')
    bridge.redisServer.pause()
    try {
      const closed = await timed(() => limiter.check('write', 'u'))
      expect(closed.value).toMatchObject({ success: false, reason: 'timeout' })
      expect(closed.ms).toBeLessThan(timeoutMs + slack)
    } finally {
      bridge.redisServer.resume()
    }
    await vi.waitFor(async () => expect((await limiter.check('read', 'u')).reason).toBe('allowed'))
  })

  it('redis-server stopped mid-test, then restarted on its port: degrades, then recovers', async () => {
    const server = await startRedisServer()
    const own = await startUpstashBridge({ redisServer: server })
    try {
      const limiter = limiterFor(own)
      expect(await limiter.check('write', 'u')).toMatchObject({ success: true, reason: 'allowed', remaining: 4 })
      await server.stop()
      const closed = await timed(() => limiter.check('write', 'u'))
      const open = await timed(() => limiter.check('read', 'u'))
      expect(closed.value).toMatchObject({ success: false, reason: 'unavailable' })
      expect(open.value).toMatchObject({ success: true, reason: 'unavailable' })
      expect(Math.max(closed.ms, open.ms)).toBeLessThan(timeoutMs + slack)
      const error = await limiter.enforce('write', 'u').catch((e: unknown) => e)
      expect(isCode('unavailable')(error)).toBe(true)
      expect((error as TripSageError).details).toEqual({ rule: 'write', reason: 'unavailable' })
      // A fresh Redis (no scripts cached, no counters): EVALSHA misses, EVAL loads the script again.
      const restarted = await startRedisServer({ port: server.port })
      try {
        expect(await limiter.check('write', 'u')).toMatchObject({ success: true, reason: 'allowed', remaining: 4 })
      } finally {
        await restarted.stop()
      }
    } finally {
      await own.stop()
    }
  })

  it('a throwing onFailure hook does not change the decision', async () => {
    const limiter = createRateLimiter({
      redis: bridge.redis,
      timeoutMs,
      defaults: false,
      rules: { read: { limit: 1, window: '60 s', failureMode: 'open' } },
      onFailure: () => {
        throw new Error('telemetry down')
      },
    })
    bridge.setFailure('error')
    expect(await limiter.check('read', 'u')).toMatchObject({ success: true, reason: 'unavailable' })
  })
})
