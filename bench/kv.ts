/**
 * Rate-limiter `check` and cache `get` latency through the local Upstash REST bridge (real
 * redis-server), as a ratio to a raw `@upstash/redis` call on the same bridge.
 *
 *   node --conditions=@tripsage/source --import tsx bench/kv.ts [--quick]
 *
 * Writes bench/results/kv.json. Every iteration runs each case once, in rotating order, so drift
 * in the machine's load hits all cases alike. Target: ≤ 1.1× the raw call.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCache, createRateLimiter } from '@tripsage/core'
import { startUpstashBridge } from '@tripsage/testing'
import { Ratelimit } from '@upstash/ratelimit'

const quick = process.argv.includes('--quick')
const iterations = quick ? 400 : 4000
const warmup = quick ? 100 : 500

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

  const cases: Record<string, () => Promise<unknown>> = {
    'raw @upstash/redis GET': () => redis.get('bench:raw'),
    'raw @upstash/ratelimit limit': () => rawLimiter.limit('user:bench'),
    'limiter.check': () => limiter.check('bench', 'bench-user'),
    'cache.get': () => cache.get('bench-user', 'trips:list'),
    'cache.get (tagged)': () => cache.get('bench-user', 'trips:tagged', { tags: ['trips'] }),
  }
  const names = Object.keys(cases)
  const samples = new Map<string, number[]>(names.map((name) => [name, []]))
  for (let i = 0; i < warmup + iterations; i++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length]!
      const started = performance.now()
      await cases[name]!()
      if (i >= warmup) samples.get(name)!.push(performance.now() - started)
    }
  }

  const percentile = (sorted: number[], p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!
  const stats = Object.fromEntries(
    names.map((name) => {
      const sorted = [...samples.get(name)!].sort((a, b) => a - b)
      return [name, { p50Ms: round(percentile(sorted, 0.5)), p95Ms: round(percentile(sorted, 0.95)) }]
    }),
  )
  const ratio = (name: string, base: string) => ({
    p50: round(stats[name]!.p50Ms / stats[base]!.p50Ms),
    p95: round(stats[name]!.p95Ms / stats[base]!.p95Ms),
  })
  const base = 'raw @upstash/redis GET'
  const result = {
    benchmark: 'kv',
    date: new Date().toISOString(),
    node: process.version,
    mode: quick ? 'quick' : 'full',
    iterations,
    target: '≤ 1.1× the raw call on the same bridge',
    latency: stats,
    ratios: {
      'limiter.check / raw GET': ratio('limiter.check', base),
      'limiter.check / raw @upstash/ratelimit limit': ratio('limiter.check', 'raw @upstash/ratelimit limit'),
      'cache.get / raw GET': ratio('cache.get', base),
      'cache.get (tagged) / raw GET': ratio('cache.get (tagged)', base),
    },
  }
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'kv.json')
  await mkdir(dirname(out), { recursive: true })
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`)
  process.stdout.write(`${JSON.stringify({ latency: result.latency, ratios: result.ratios }, null, 2)}\nwrote ${out}\n`)
} finally {
  await bridge.stop()
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000
}
