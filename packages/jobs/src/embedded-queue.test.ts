// Pure tests (no Node APIs): they run in the `jobs` project and under edge-runtime (`jobs-edge`).
import { memoryKv, UnavailableError } from '@tripsage/core'
import { Receiver } from '@upstash/qstash'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createEmbeddedQueue } from './embedded-queue.js'
import { enqueueJob } from './enqueue.js'
import { createJobHandler } from './handler.js'
import { signQstashRequest } from './qstash-signer.js'
import { keys, url } from './test-utils.js'

describe('signQstashRequest', () => {
  it('mints tokens the real @upstash/qstash Receiver accepts, bound to URL and body', async () => {
    const body = JSON.stringify({ hello: 'wörld' })
    const signature = await signQstashRequest({ signingKey: keys.nextSigningKey, url, body })
    const receiver = new Receiver({ ...keys, devMode: false })
    await expect(receiver.verify({ signature, body, url })).resolves.toBe(true)
    await expect(receiver.verify({ signature, body: `${body} `, url })).rejects.toThrow()
    await expect(receiver.verify({ signature, body, url: `${url}/other` })).rejects.toThrow()
  })

  it('expires after ttlSeconds', async () => {
    const body = '{}'
    const signature = await signQstashRequest({
      signingKey: keys.currentSigningKey,
      url,
      body,
      now: () => Date.now() - 600_000,
    })
    await expect(new Receiver({ ...keys, devMode: false }).verify({ signature, body, url })).rejects.toThrow()
  })
})

const Payload = z.object({ n: z.int() })

describe('createEmbeddedQueue', () => {
  function setup(run: (n: number) => Promise<unknown>) {
    const queue = createEmbeddedQueue({ retryDelayMs: () => 0 })
    queue.route(
      url,
      createJobHandler({ receiver: queue.signingKeys, kv: memoryKv(), schema: Payload, url, run: (p) => run(p.n) }),
    )
    return queue
  }

  it('delivers signed requests to the same handler a route would get', async () => {
    const seen: number[] = []
    const queue = setup(async (n) => seen.push(n))
    await enqueueJob(queue, { url, body: { n: 1 }, deduplicationId: 'job-1' })
    await enqueueJob(queue, { url, body: { n: 2 }, deduplicationId: 'job-2' })
    await queue.drain()
    expect(seen.sort()).toEqual([1, 2])
    expect(queue.deliveries.map((d) => d.status)).toEqual([200, 200])
  })

  it('deduplicates publishes by deduplication id within the window', async () => {
    const seen: number[] = []
    const queue = setup(async (n) => seen.push(n))
    const first = await enqueueJob(queue, { url, body: { n: 1 }, deduplicationId: 'same' })
    const second = await enqueueJob(queue, { url, body: { n: 1 }, deduplicationId: 'same' })
    await queue.drain()
    expect(second).toEqual({ messageId: first.messageId, deduplicationId: 'same', deduplicated: true })
    expect(seen).toEqual([1])
  })

  it('retries retryable failures with Upstash-Retried counting up, then dead-letters', async () => {
    let calls = 0
    const queue = setup(async () => {
      calls++
      throw new UnavailableError('down')
    })
    await enqueueJob(queue, { url, body: { n: 1 }, deduplicationId: 'retry', retries: 2 })
    await queue.drain()
    expect(calls).toBe(3)
    expect(queue.deliveries.map((d) => [d.retried, d.status])).toEqual([
      [0, 503],
      [1, 503],
      [2, 503],
    ])
    expect(queue.deadLetters).toHaveLength(1)
  })

  it('does not retry a 489 non-retryable answer', async () => {
    const queue = setup(async () => null)
    await enqueueJob(queue, { url, body: { n: 'not a number' }, deduplicationId: 'bad' })
    await queue.drain()
    expect(queue.deliveries.map((d) => d.status)).toEqual([489])
    expect(queue.deadLetters).toHaveLength(1)
  })

  it('a handler with other keys refuses its deliveries (401)', async () => {
    const queue = createEmbeddedQueue({ retryDelayMs: () => 0 })
    queue.route(url, createJobHandler({ receiver: keys, kv: memoryKv(), schema: Payload, url, run: async () => null }))
    await enqueueJob(queue, { url, body: { n: 1 }, deduplicationId: 'x', retries: 0 })
    await queue.drain()
    expect(queue.deliveries.map((d) => d.status)).toEqual([401])
  })

  it('enqueueJob refuses a bad deduplication id or URL', async () => {
    const queue = setup(async () => null)
    await expect(enqueueJob(queue, { url, body: {}, deduplicationId: '' })).rejects.toThrow(/deduplication id/)
    await expect(enqueueJob(queue, { url, body: {}, deduplicationId: 'has space' })).rejects.toThrow(/deduplication id/)
    await expect(enqueueJob(queue, { url: '/relative', body: {}, deduplicationId: 'ok' })).rejects.toThrow(/absolute/)
  })

  it('close() stops pending retries and refuses new publishes', async () => {
    const queue = createEmbeddedQueue({ retryDelayMs: () => 60_000 })
    queue.route(url, async () => new Response(null, { status: 503 }))
    await queue.publishJSON({ url, body: {} })
    await new Promise((resolve) => setTimeout(resolve, 20))
    queue.close()
    await queue.drain()
    expect(queue.deliveries).toHaveLength(1)
    await expect(queue.publishJSON({ url, body: {} })).rejects.toThrow(/closed/)
  })
})
