/**
 * Rate-limiter `check` and cache `get` latency through the local Upstash REST bridge (real
 * redis-server), as a ratio to a raw `@upstash/redis` call on the same bridge.
 *
 *   node --conditions=@tripsage/source --import tsx bench/kv.ts [--quick]
 *
 * Target: ≤ 1.1× the raw call.
 */
import { createCache, createRateLimiter } from '@tripsage/core'
import { startUpstashBridge } from '@tripsage/testing'
import { Ratelimit } from '@upstash/ratelimit'
import { latencyRows, parseArgs, writeResult } from './lib/results.js'
import { measure } from './lib/timing.js'

const { quick } = parseArgs()
const iterations = quick ? 300 : 4000
const warmup = quick ? 50 : 500

const bridge = await startUpstashBridge()
const { redis } = bridge
try {
  const window = '1 h'
  const limiter = createRateLimiter({ redis, defaults: false, rules: { bench: { limit: 1_000_000_000, window } } })
  const rawLimiter = new Ratelimit({
    redis,
    limiter: Ratelimit.slidingWindow(1_000_000_000, window),
    prefix: 'bench:raw-ratelimit',
    ephemeralCache: false,
    enableTelemetry: false,
  })
  const cache = createCache({ redis })
  const payload = { trips: Array.from({ length: 10 }, (_, i) => ({ id: `trip-${i}`, name: `Trip ${i}`, days: i })) }
  await cache.set('bench-user', 'trips:list', payload, { ttlSeconds: 3600 })
  await cache.set('bench-user', 'trips:tagged', payload, { ttlSeconds: 3600, tags: ['trips'] })
  await redis.set('bench:raw', JSON.stringify(payload))

  const rawGet = 'raw @upstash/redis GET'
  const rawLimit = 'raw @upstash/ratelimit limit'
  const stats = await measure(
    {
      [rawGet]: () => redis.get('bench:raw'),
      [rawLimit]: () => rawLimiter.limit('user:bench'),
      'limiter.check': () => limiter.check('bench', 'bench-user'),
      'cache.get': () => cache.get('bench-user', 'trips:list'),
      'cache.get (tagged)': () => cache.get('bench-user', 'trips:tagged', { tags: ['trips'] }),
    },
    { iterations, warmup, ...(quick ? { budgetMs: 8_000 } : {}) },
  )
  await writeResult({
    name: 'kv',
    title: 'Rate limit and cache through the Upstash bridge',
    mode: quick ? 'quick' : 'full',
    setup: 'real redis-server behind the local Upstash REST bridge (HTTP on loopback), @upstash/redis client',
    tables: [
      {
        title: 'latency per call',
        rows: latencyRows(stats, {
          'limiter.check': rawLimit,
          'cache.get': rawGet,
          'cache.get (tagged)': rawGet,
        }),
        note: 'Target: ≤ 1.1× the raw call. `limiter.check` runs the same sliding-window Lua script as `@upstash/ratelimit`; `cache.get` is one MGET of the entry (and, when tagged, its tag versions) plus an envelope parse; keys are SHA-256-hashed per tenant.',
      },
    ],
    checks: [],
    notes: [],
  })
} finally {
  await bridge.stop()
}
