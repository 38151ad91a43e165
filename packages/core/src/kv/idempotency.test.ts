import { startUpstashBridge, type UpstashBridge } from '@tripsage/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { TripSageError } from '../errors.js'
import { randomHex } from './hash.js'
import { createIdempotency } from './idempotency.js'

const isCode = (code: string) => (error: unknown) => TripSageError.isInstance(error) && error.code === code

describe('createIdempotency on Redis', () => {
  let bridge: UpstashBridge
  beforeAll(async () => {
    bridge = await startUpstashBridge()
  })
  afterAll(() => bridge.stop())
  afterEach(() => {
    bridge.setDelay(0)
    bridge.setFailure(null)
  })

  it('claims with one atomic SET … NX GET', async () => {
    const idem = createIdempotency({ redis: bridge.redis, prefix: `idem:${randomHex(4)}` })
    const before = bridge.commandCounts().SET ?? 0
    await idem.claim('job', 30)
    await idem.claim('job', 30)
    expect((bridge.commandCounts().SET ?? 0) - before).toBe(2)
  })

  it('a crashed worker’s claim expires with its TTL on redis-server', async () => {
    const prefix = `idem:${randomHex(4)}`
    const idem = createIdempotency({ redis: bridge.redis, prefix })
    await idem.claim('job', 30)
    const ttl = await bridge.redis.pttl(`${prefix}:job`)
    expect(ttl).toBeGreaterThan(29_000)
    expect(ttl).toBeLessThanOrEqual(30_000)
  })

  it.each([
    ['slow', () => bridge.setDelay(5_000)],
    ['failing', () => bridge.setFailure('error')],
  ])('a %s Redis throws unavailable within the timeout', async (_, fault) => {
    const idem = createIdempotency({ redis: bridge.redis, timeoutMs: 500 })
    fault()
    const started = performance.now()
    await expect(idem.claim('job', 30)).rejects.toSatisfy(isCode('unavailable'))
    await expect(idem.status('job')).rejects.toSatisfy(isCode('unavailable'))
    expect(performance.now() - started).toBeLessThan(2 * 500 + 1_500)
  })

  it('needs exactly one backend', () => {
    expect(() => createIdempotency({} as never)).toThrow(expect.objectContaining({ code: 'validation' }))
  })
})
