import { startUpstashBridge, type UpstashBridge } from '@tripsage/testing'
import { Redis } from '@upstash/redis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { TripSageError } from '../errors.js'
import { createCache } from './cache.js'
import { randomHex, sha256Hex } from './hash.js'
import { createIdempotency } from './idempotency.js'
import type { KvFailureEvent } from './types.js'

const isCode = (code: string) => (error: unknown) => TripSageError.isInstance(error) && error.code === code

describe('createCache on Redis', () => {
  let bridge: UpstashBridge
  let failures: KvFailureEvent[] = []
  // Deadlines, not speed: the delay (5 s) is far past timeout + slack, so finishing under that bound
  // proves the timeout cut the call; the generous timeout keeps healthy calls healthy on a loaded machine.
  const timeoutMs = 500
  const cacheFor = () =>
    createCache({ redis: bridge.redis, prefix: `cache:${randomHex(4)}`, timeoutMs, onFailure: (e) => failures.push(e) })

  beforeAll(async () => {
    bridge = await startUpstashBridge()
  })
  afterAll(() => bridge.stop())
  afterEach(() => {
    failures = []
    bridge.setDelay(0)
    bridge.setFailure(null)
  })

  it('keeps tenant ids and keys out of Redis: both are hashed into the key', async () => {
    const prefix = `cache:${randomHex(4)}`
    const cache = createCache({ redis: bridge.redis, prefix })
    await cache.set('user-4b1d', 'search:paris hotels', { ids: [1] }, { tags: ['search'] })
    await cache.bumpTag('user-4b1d', 'search')
    const keys = await bridge.redis.keys(`${prefix}:*`)
    const tenant = await sha256Hex('user-4b1d')
    expect(keys.sort()).toEqual(
      [
        `${prefix}:${tenant}:e:${await sha256Hex('search:paris hotels')}`,
        `${prefix}:${tenant}:t:${await sha256Hex('search')}`,
      ].sort(),
    )
    expect(keys.join()).not.toMatch(/4b1d|paris/)
  })

  it('works the same with clients that do not deserialise or base64-encode, on shared data', async () => {
    const prefix = `cache:${randomHex(4)}`
    const plain = new Redis({
      url: bridge.url,
      token: bridge.token,
      automaticDeserialization: false,
      responseEncoding: false,
      enableTelemetry: false,
    })
    const viaDefault = createCache({ redis: bridge.redis, prefix })
    const viaPlain = createCache({ redis: plain, prefix })
    const values = [{ a: [1, 'x'] }, '{"looks":"like json"}', '123', 123, null, 'päivää']
    for (const [i, value] of values.entries()) await viaDefault.set('t', `k${i}`, value, { tags: ['trips'] })
    for (const [i, value] of values.entries()) expect(await viaPlain.get('t', `k${i}`)).toEqual(value)
    await viaPlain.bumpTag('t', 'trips')
    expect(await viaDefault.get('t', 'k0')).toBeUndefined()
    await viaPlain.set('t', 'k0', 'again', { tags: ['trips'] })
    expect(await viaDefault.get('t', 'k0', { tags: ['trips'] })).toBe('again')
    const idemDefault = createIdempotency({ redis: bridge.redis, prefix })
    const idemPlain = createIdempotency({ redis: plain, prefix })
    const claim = await idemPlain.claim('job', 30)
    expect(await idemDefault.claim('job', 30)).toEqual({ acquired: false, state: 'claimed' })
    if (!claim.acquired) throw new Error('unreachable')
    await idemPlain.complete('job', { n: 1 }, 60, { token: claim.token })
    expect(await idemDefault.status('job')).toEqual({ state: 'completed', result: { n: 1 } })
  })

  it('needs exactly one backend', () => {
    expect(() => createCache({} as never)).toThrow(expect.objectContaining({ code: 'validation' }))
  })

  it('refuses a TTL above maxTtlSeconds', async () => {
    const cache = createCache({ redis: bridge.redis, maxTtlSeconds: 60 })
    await expect(cache.set('t', 'k', 1, { ttlSeconds: 61 })).rejects.toSatisfy(isCode('validation'))
  })

  it.each([
    ['slow (delaying proxy)', () => bridge.setDelay(5_000)],
    ['failing', () => bridge.setFailure('error')],
  ])(
    'a %s Redis: reads miss within the timeout, getOrSet loads uncached, writes throw unavailable',
    async (_, fault) => {
      const cache = cacheFor()
      await cache.set('t', 'k', 'cached')
      fault()
      const started = performance.now()
      expect(await cache.get('t', 'k')).toBeUndefined()
      expect(performance.now() - started).toBeLessThan(timeoutMs + 1_500)
      let loads = 0
      expect(await cache.getOrSet('t', 'other', () => ++loads)).toBe(1)
      expect(await cache.getOrSet('t', 'other', () => ++loads)).toBe(2)
      await expect(cache.set('t', 'k', 'v')).rejects.toSatisfy(isCode('unavailable'))
      await expect(cache.bumpTag('t', 'trips')).rejects.toSatisfy(isCode('unavailable'))
      await expect(cache.delete('t', 'k')).rejects.toSatisfy(isCode('unavailable'))
      expect(failures.length).toBeGreaterThanOrEqual(3)
      expect(failures.every((f) => f.component === 'cache')).toBe(true)
      bridge.setDelay(0)
      bridge.setFailure(null)
      expect(await cache.get('t', 'k')).toBe('cached')
    },
  )

  it('redis-server stopped: unavailable errors name no cached data', async () => {
    const own = await startUpstashBridge()
    const cache = createCache({ redis: own.redis, timeoutMs })
    await cache.set('alice', 'k', 'secret-value-1234')
    await own.redisServer.stop()
    expect(await cache.get('alice', 'k')).toBeUndefined()
    const error = await cache.set('alice', 'k', 'secret-value-1234').catch((e: unknown) => e)
    expect(isCode('unavailable')(error)).toBe(true)
    expect(JSON.stringify(error)).not.toMatch(/secret|alice/)
    await own.stop()
  })
})
