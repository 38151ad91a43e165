/**
 * The behaviour every KV backend must share: run by `kv-redis.test.ts` (real redis-server behind
 * the Upstash REST bridge) and `kv-memory.test.ts` (memoryKv). Not a test file itself.
 */
import fc from 'fast-check'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { TripSageError } from '../errors.js'
import { createCache } from './cache.js'
import { randomHex } from './hash.js'
import { createIdempotency } from './idempotency.js'
import { createRateLimiter } from './ratelimit.js'
import type { KvBackend } from './types.js'

/** One backend under test. */
export interface KvContractTarget {
  backend: KvBackend
  /** Sets the clock the limiter reads (a fake `Date` for Redis, the injected clock for memory). */
  setTime(epochMs: number): void
  /** Lets `ms` pass for key expiry (real time on Redis, whose TTLs run on its own clock). */
  elapse(ms: number): Promise<void>
}

const minute = 60_000
// A window-aligned instant well clear of "now", so runs never collide with earlier keys.
const aligned = (offset = 0) => Math.floor(Date.UTC(2031, 0, 1) / minute) * minute + offset

const isCode = (code: string) => (error: unknown) => TripSageError.isInstance(error) && error.code === code

/** Registers the shared suite for the target `setup` resolves (in `beforeAll`). */
export function describeKvContract(name: string, setup: () => Promise<KvContractTarget>): void {
  describe(`KV contract: ${name}`, () => {
    let target: KvContractTarget
    // Each test uses its own prefix, so tests never see each other's keys.
    const prefix = () => `contract:${randomHex(6)}`

    beforeAll(async () => {
      target = await setup()
    })
    afterEach(() => {
      vi.useRealTimers()
    })

    describe('rate limiter', () => {
      it('sliding window: allows `limit` per window, then denies with the reset time', async () => {
        const limiter = createRateLimiter({
          ...target.backend,
          prefix: prefix(),
          rules: { op: { limit: 3, window: '60 s' } },
        })
        target.setTime(aligned(10_000))
        const results = []
        for (let i = 0; i < 4; i++) results.push(await limiter.check('op', 'user-1'))
        expect(results.map((r) => [r.success, r.remaining, r.reason])).toEqual([
          [true, 2, 'allowed'],
          [true, 1, 'allowed'],
          [true, 0, 'allowed'],
          [false, 0, 'limited'],
        ])
        expect(results.every((r) => r.limit === 3 && r.reset === aligned(minute))).toBe(true)
        expect((await limiter.check('op', 'user-2')).remaining).toBe(2)
      })

      it('sliding window: weighs the previous window by how much of it still overlaps', async () => {
        const limiter = createRateLimiter({
          ...target.backend,
          prefix: prefix(),
          rules: { op: { limit: 4, window: '60 s' } },
        })
        target.setTime(aligned(30_000))
        for (let i = 0; i < 4; i++) expect((await limiter.check('op', 'u')).success).toBe(true)
        // 25% into the next window: floor(0.75 × 4) = 3 still count, so one more fits.
        target.setTime(aligned(minute + 15_000))
        expect((await limiter.check('op', 'u')).success).toBe(true)
        expect((await limiter.check('op', 'u')).reason).toBe('limited')
        // 75% in: floor(0.25 × 4) = 1 counts, plus the 1 made above: two more fit.
        target.setTime(aligned(minute + 45_000))
        const later = [await limiter.check('op', 'u'), await limiter.check('op', 'u'), await limiter.check('op', 'u')]
        expect(later.map((r) => r.success)).toEqual([true, true, false])
      })

      it('fixed window: resets at the window boundary', async () => {
        const limiter = createRateLimiter({
          ...target.backend,
          prefix: prefix(),
          rules: { op: { limit: 2, window: '60 s', algorithm: 'fixed-window' } },
        })
        target.setTime(aligned(59_000))
        const first = [await limiter.check('op', 'u'), await limiter.check('op', 'u'), await limiter.check('op', 'u')]
        expect(first.map((r) => [r.success, r.remaining])).toEqual([
          [true, 1],
          [true, 0],
          [false, 0],
        ])
        target.setTime(aligned(minute))
        const next = await limiter.check('op', 'u')
        expect([next.success, next.remaining, next.reset]).toEqual([true, 1, aligned(2 * minute)])
      })

      it('token bucket: spends the bucket, then refills `refillRate` per window up to `limit`', async () => {
        const limiter = createRateLimiter({
          ...target.backend,
          prefix: prefix(),
          rules: { op: { limit: 3, window: '10 s', algorithm: 'token-bucket', refillRate: 1 } },
        })
        const t0 = aligned(5_000)
        target.setTime(t0)
        const burst = []
        for (let i = 0; i < 4; i++) burst.push(await limiter.check('op', 'u'))
        expect(burst.map((r) => [r.success, r.remaining])).toEqual([
          [true, 2],
          [true, 1],
          [true, 0],
          [false, 0],
        ])
        expect(burst[3]!.reset).toBe(t0 + 10_000)
        target.setTime(t0 + 10_000)
        expect(await limiter.check('op', 'u')).toMatchObject({ success: true, remaining: 0, reset: t0 + 20_000 })
        target.setTime(t0 + 35_000) // two more refills
        expect(await limiter.check('op', 'u')).toMatchObject({ success: true, remaining: 1, reset: t0 + 40_000 })
      })

      it('keys a user id and {userId} alike, falls back to the IP, and keeps users and IPs apart', async () => {
        const limiter = createRateLimiter({
          ...target.backend,
          prefix: prefix(),
          rules: { op: { limit: 2, window: '60 s' } },
        })
        target.setTime(aligned(1_000))
        await limiter.check('op', 'same')
        expect((await limiter.check('op', { userId: 'same', ip: '10.0.0.1' })).remaining).toBe(0)
        expect((await limiter.check('op', { userId: null, ip: 'same' })).remaining).toBe(1)
        expect((await limiter.check('op', { ip: 'same' })).remaining).toBe(0)
        await expect(limiter.check('op', { userId: '', ip: null })).rejects.toSatisfy(isCode('validation'))
      })

      it('never allows more than the limit in a concurrent burst', async () => {
        const limiter = createRateLimiter({
          ...target.backend,
          prefix: prefix(),
          rules: { op: { limit: 10, window: '60 s' } },
        })
        target.setTime(aligned(20_000))
        const results = await Promise.all(Array.from({ length: 25 }, () => limiter.check('op', 'burst')))
        expect(results.filter((r) => r.success)).toHaveLength(10)
        expect(new Set(results.filter((r) => r.success).map((r) => r.remaining))).toEqual(
          new Set([...Array(10).keys()]),
        )
      })

      it('enforce throws rate_limited with the retry time, and returns the result when allowed', async () => {
        const limiter = createRateLimiter({
          ...target.backend,
          prefix: prefix(),
          rules: { op: { limit: 1, window: '60 s' } },
        })
        target.setTime(aligned(30_000))
        await expect(limiter.enforce('op', 'u')).resolves.toMatchObject({ success: true, reason: 'allowed' })
        const error = await limiter.enforce('op', 'u').catch((e: unknown) => e)
        expect(isCode('rate_limited')(error)).toBe(true)
        expect((error as TripSageError).details).toEqual({
          rule: 'op',
          limit: 1,
          reset: aligned(minute),
          retryAfterSeconds: 30,
        })
      })
    })

    describe('cache', () => {
      it('round-trips JSON values, misses on unknown keys', async () => {
        const cache = createCache({ ...target.backend, prefix: prefix() })
        const values = [
          { a: 1, nested: [true, null, 'x'] },
          [1, 2, 3],
          'plain text',
          'päivää 🌍',
          42,
          0,
          false,
          null,
          '{"a":1}',
          '12',
        ]
        for (const [i, value] of values.entries()) await cache.set('tenant', `k${i}`, value, { ttlSeconds: 60 })
        for (const [i, value] of values.entries()) expect(await cache.get('tenant', `k${i}`)).toEqual(value)
        expect(await cache.get('tenant', 'missing')).toBeUndefined()
      })

      it('scopes entries by tenant', async () => {
        const cache = createCache({ ...target.backend, prefix: prefix() })
        await cache.set('alice', 'trips', ['alice-trip'])
        expect(await cache.get('bob', 'trips')).toBeUndefined()
        expect(await cache.getOrSet('bob', 'trips', () => ['bob-trip'])).toEqual(['bob-trip'])
        expect(await cache.get('alice', 'trips')).toEqual(['alice-trip'])
      })

      it('expires entries after their TTL', async () => {
        const cache = createCache({ ...target.backend, prefix: prefix() })
        await cache.set('t', 'short', 'v', { ttlSeconds: 1 })
        await cache.set('t', 'long', 'v', { ttlSeconds: 60 })
        await target.elapse(1_100)
        expect(await cache.get('t', 'short')).toBeUndefined()
        expect(await cache.get('t', 'long')).toBe('v')
      })

      it('deletes an entry', async () => {
        const cache = createCache({ ...target.backend, prefix: prefix() })
        await cache.set('t', 'k', 1)
        await cache.delete('t', 'k')
        expect(await cache.get('t', 'k')).toBeUndefined()
      })

      it('bumpTag invalidates the tenant’s tagged entries only, even when get omits the tags', async () => {
        const cache = createCache({ ...target.backend, prefix: prefix() })
        await cache.set('alice', 'list', 'A-list', { tags: ['trips'] })
        await cache.set('alice', 'both', 'A-both', { tags: ['trips', 'memory'] })
        await cache.set('alice', 'other', 'A-other', { tags: ['memory'] })
        await cache.set('alice', 'plain', 'A-plain')
        await cache.set('bob', 'list', 'B-list', { tags: ['trips'] })
        await cache.bumpTag('alice', 'trips')
        expect(await cache.get('alice', 'list', { tags: ['trips'] })).toBeUndefined()
        expect(await cache.get('alice', 'both')).toBeUndefined()
        expect(await cache.get('alice', 'other', { tags: ['memory'] })).toBe('A-other')
        expect(await cache.get('alice', 'plain')).toBe('A-plain')
        expect(await cache.get('bob', 'list', { tags: ['trips'] })).toBe('B-list')
        await cache.set('alice', 'list', 'A-list-2', { tags: ['trips'] })
        expect(await cache.get('alice', 'list')).toBe('A-list-2')
      })

      it('getOrSet loads once, caches, and shares one load between concurrent callers', async () => {
        const cache = createCache({ ...target.backend, prefix: prefix() })
        let loads = 0
        const load = async () => {
          loads++
          await new Promise((r) => setTimeout(r, 20))
          return { n: loads }
        }
        const results = await Promise.all(Array.from({ length: 10 }, () => cache.getOrSet('t', 'k', load)))
        expect(results).toEqual(Array(10).fill({ n: 1 }))
        expect(await cache.getOrSet('t', 'k', load)).toEqual({ n: 1 })
        expect(loads).toBe(1)
        // Single flight is per tenant: another tenant loads its own value.
        expect(await cache.getOrSet('u', 'k', load)).toEqual({ n: 2 })
      })

      it('getOrSet passes load errors through and caches neither errors nor undefined', async () => {
        const cache = createCache({ ...target.backend, prefix: prefix() })
        await expect(cache.getOrSet('t', 'k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
        expect(await cache.getOrSet('t', 'k', () => undefined)).toBeUndefined()
        expect(await cache.getOrSet('t', 'k', () => 'ok')).toBe('ok')
      })

      it('a bump during getOrSet’s load leaves the loaded value already stale', async () => {
        const cache = createCache({ ...target.backend, prefix: prefix() })
        const value = await cache.getOrSet(
          't',
          'k',
          async () => {
            await cache.bumpTag('t', 'trips') // a concurrent write lands while we load
            return 'loaded-before-write'
          },
          { tags: ['trips'] },
        )
        expect(value).toBe('loaded-before-write')
        expect(await cache.get('t', 'k')).toBeUndefined()
      })

      it('refuses bad input with validation errors', async () => {
        const cache = createCache({ ...target.backend, prefix: prefix() })
        await expect(cache.set('t', 'k', undefined)).rejects.toSatisfy(isCode('validation'))
        await expect(cache.set('t', 'k', () => 1)).rejects.toSatisfy(isCode('validation'))
        await expect(cache.set('t', 'k', 1, { ttlSeconds: 0 })).rejects.toSatisfy(isCode('validation'))
        await expect(cache.set('t', 'k', 1, { ttlSeconds: 1.5 })).rejects.toSatisfy(isCode('validation'))
        await expect(cache.get('', 'k')).rejects.toSatisfy(isCode('validation'))
        await expect(cache.set('t', '', 1)).rejects.toSatisfy(isCode('validation'))
        await expect(cache.bumpTag('t', '')).rejects.toSatisfy(isCode('validation'))
        const cyclic: Record<string, unknown> = {}
        cyclic.self = cyclic
        await expect(cache.set('t', 'k', cyclic)).rejects.toSatisfy(isCode('validation'))
      })

      it('model test: a value cached for one tenant is never served to another', async () => {
        const tenants = ['alice', 'bob', 'alice:', ':bob', 'carol', 'a', 'lice']
        const keys = ['trips', 'trips:1', 'memory', 'k']
        const tags = ['trips', 'memory']
        const op = fc.oneof(
          fc.record({
            kind: fc.constant('set' as const),
            tenant: fc.constantFrom(...tenants),
            key: fc.constantFrom(...keys),
            tag: fc.option(fc.constantFrom(...tags), { nil: undefined }),
          }),
          fc.record({
            kind: fc.constant('get' as const),
            tenant: fc.constantFrom(...tenants),
            key: fc.constantFrom(...keys),
          }),
          fc.record({
            kind: fc.constant('getOrSet' as const),
            tenant: fc.constantFrom(...tenants),
            key: fc.constantFrom(...keys),
          }),
          fc.record({
            kind: fc.constant('bump' as const),
            tenant: fc.constantFrom(...tenants),
            tag: fc.constantFrom(...tags),
          }),
          fc.record({
            kind: fc.constant('delete' as const),
            tenant: fc.constantFrom(...tenants),
            key: fc.constantFrom(...keys),
          }),
        )
        await fc.assert(
          fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), async (ops) => {
            const cache = createCache({ ...target.backend, prefix: prefix() })
            // The model: per tenant, key → { value, tag }. Every written value names its tenant.
            const model = new Map<string, { value: string; tag: string | undefined }>()
            let serial = 0
            for (const step of ops) {
              const slot = `${step.tenant}\u0000${'key' in step ? step.key : ''}`
              if (step.kind === 'set') {
                const value = `${step.tenant}#${serial++}`
                await cache.set(step.tenant, step.key, value, step.tag ? { tags: [step.tag] } : {})
                model.set(slot, { value, tag: step.tag })
              } else if (step.kind === 'get' || step.kind === 'getOrSet') {
                const fresh = `${step.tenant}#${serial++}`
                const got =
                  step.kind === 'get'
                    ? await cache.get<string>(step.tenant, step.key)
                    : await cache.getOrSet(step.tenant, step.key, () => fresh)
                if (got !== undefined) expect(got.startsWith(`${step.tenant}#`)).toBe(true)
                const expected = model.get(slot)?.value ?? (step.kind === 'getOrSet' ? fresh : undefined)
                expect(got).toBe(expected)
                if (step.kind === 'getOrSet' && !model.has(slot)) model.set(slot, { value: fresh, tag: undefined })
              } else if (step.kind === 'bump') {
                await cache.bumpTag(step.tenant, step.tag)
                for (const [k, entry] of model)
                  if (k.startsWith(`${step.tenant}\u0000`) && entry.tag === step.tag) model.delete(k)
              } else {
                await cache.delete(step.tenant, step.key)
                model.delete(slot)
              }
            }
          }),
          { numRuns: 40 },
        )
      })
    })

    describe('idempotency', () => {
      it('claim → claimed → complete → completed, with the result', async () => {
        const idem = createIdempotency({ ...target.backend, prefix: prefix() })
        expect(await idem.status('job')).toEqual({ state: 'absent' })
        const claim = await idem.claim('job', 30)
        expect(claim).toMatchObject({ acquired: true, token: expect.stringMatching(/^[0-9a-f]{32}$/) })
        expect(await idem.status('job')).toEqual({ state: 'claimed' })
        expect(await idem.claim('job', 30)).toEqual({ acquired: false, state: 'claimed' })
        if (!claim.acquired) throw new Error('unreachable')
        await idem.complete('job', { synced: 3, ids: ['a'] }, 60, { token: claim.token })
        expect(await idem.status('job')).toEqual({ state: 'completed', result: { synced: 3, ids: ['a'] } })
        expect(await idem.claim('job', 30)).toEqual({
          acquired: false,
          state: 'completed',
          result: { synced: 3, ids: ['a'] },
        })
      })

      it('release frees a claim for an immediate retry; a wrong token releases nothing', async () => {
        const idem = createIdempotency({ ...target.backend, prefix: prefix() })
        const claim = await idem.claim('job', 30)
        if (!claim.acquired) throw new Error('unreachable')
        expect(await idem.release('job', { token: 'not-mine' })).toBe(false)
        expect(await idem.status('job')).toEqual({ state: 'claimed' })
        expect(await idem.release('job', { token: claim.token })).toBe(true)
        expect(await idem.status('job')).toEqual({ state: 'absent' })
        expect((await idem.claim('job', 30)).acquired).toBe(true)
        expect(await idem.release('job')).toBe(true)
        expect(await idem.release('job')).toBe(false)
      })

      it('a claim held by a crashed worker expires; its late complete is refused', async () => {
        const idem = createIdempotency({ ...target.backend, prefix: prefix() })
        const crashed = await idem.claim('job', 1)
        if (!crashed.acquired) throw new Error('unreachable')
        await target.elapse(1_100)
        expect(await idem.status('job')).toEqual({ state: 'absent' })
        const retry = await idem.claim('job', 30)
        if (!retry.acquired) throw new Error('the expired claim should be free')
        const late = await idem.complete('job', 'stale', 60, { token: crashed.token }).catch((e: unknown) => e)
        expect(isCode('conflict')(late)).toBe(true)
        expect(await idem.status('job')).toEqual({ state: 'claimed' })
        await idem.complete('job', 'fresh', 60, { token: retry.token })
        expect(await idem.status('job')).toEqual({ state: 'completed', result: 'fresh' })
      })

      it('exactly one of many concurrent claims wins', async () => {
        const idem = createIdempotency({ ...target.backend, prefix: prefix() })
        const claims = await Promise.all(Array.from({ length: 20 }, () => idem.claim('job', 30)))
        expect(claims.filter((c) => c.acquired)).toHaveLength(1)
      })

      it('complete without a token records the result regardless of the claim', async () => {
        const idem = createIdempotency({ ...target.backend, prefix: prefix() })
        await idem.complete('job', null, 60)
        expect(await idem.status('job')).toEqual({ state: 'completed', result: null })
      })

      it('refuses bad keys and TTLs with validation errors', async () => {
        const idem = createIdempotency({ ...target.backend, prefix: prefix() })
        await expect(idem.claim('', 30)).rejects.toSatisfy(isCode('validation'))
        await expect(idem.claim('x'.repeat(513), 30)).rejects.toSatisfy(isCode('validation'))
        await expect(idem.claim('job', 0)).rejects.toSatisfy(isCode('validation'))
        await expect(idem.complete('job', 1, 2.5)).rejects.toSatisfy(isCode('validation'))
      })
    })
  })
}
