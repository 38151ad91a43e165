// Pure handler tests (no Node APIs): they run in the `jobs` project and again under the
// edge-runtime environment (`jobs-edge`).
import {
  ConflictError,
  memoryKv,
  NotFoundError,
  RateLimitedError,
  TripSageError,
  UnavailableError,
  ValidationError,
} from '@tripsage/core'
import { Receiver } from '@upstash/qstash'
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createJobHandler, type JobFailure, type JobHandlerOptions } from './handler.js'
import { NON_RETRYABLE_STATUS } from './responses.js'
import { delivery, keys, mintToken, mortalKv, url } from './test-utils.js'

const Payload = z.strictObject({ orderId: z.string().min(1), items: z.array(z.string()).max(500) })
type Payload = z.infer<typeof Payload>

/** A job whose effect is idempotent by order id, like a database row with a unique key. */
function setup(overrides: Partial<JobHandlerOptions<typeof Payload, { applied: boolean }>> = {}) {
  const effects = new Map<string, number>()
  const runs: string[] = []
  const failures: JobFailure[] = []
  const kv = memoryKv()
  const handler = createJobHandler({
    name: 'test-job',
    receiver: keys,
    kv,
    schema: Payload,
    key: (p: Payload) => `order:${p.orderId}`,
    batch: (p: Payload) => p.items,
    url,
    onFailure: (f) => {
      failures.push(f)
    },
    run: async (p: Payload) => {
      runs.push(p.orderId)
      const applied = !effects.has(p.orderId)
      if (applied) effects.set(p.orderId, 1)
      return { applied }
    },
    ...overrides,
  })
  return { handler, effects, runs, failures, kv }
}

const payload = (orderId = 'o-1', items: string[] = ['a']) => ({ orderId, items })

describe('createJobHandler: construction', () => {
  it('refuses a missing current or next key, at construction', () => {
    const base = { kv: memoryKv(), schema: Payload, run: async () => null }
    expect(() => createJobHandler({ ...base, receiver: { currentSigningKey: 'k', nextSigningKey: '' } })).toThrow(
      /nextSigningKey/,
    )
    expect(() =>
      createJobHandler({ ...base, receiver: { currentSigningKey: '', nextSigningKey: 'k' } as never }),
    ).toThrow(/currentSigningKey/)
    // A Receiver left to environment variables is refused too: the handler never reads env.
    expect(() => createJobHandler({ ...base, receiver: new Receiver() })).toThrow(ValidationError)
  })

  it('refuses dev mode and the public dev-server keys', () => {
    const base = { kv: memoryKv(), schema: Payload, run: async () => null }
    expect(() => createJobHandler({ ...base, receiver: new Receiver({ ...keys, devMode: true }) })).toThrow(/dev mode/)
    expect(() =>
      createJobHandler({
        ...base,
        receiver: {
          currentSigningKey: 'sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r',
          nextSigningKey: 'sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs',
        },
      }),
    ).toThrow(/dev-server/)
  })

  it('accepts a Receiver built with both keys', async () => {
    const { effects } = setup()
    const handler = createJobHandler({
      receiver: new Receiver(keys),
      kv: memoryKv(),
      schema: Payload,
      url,
      run: async () => 'done',
    })
    const res = await handler(await delivery(payload()))
    expect(res.status).toBe(200)
    expect(effects.size).toBe(0)
  })

  it.each([
    ['receiver', { receiver: undefined }],
    ['kv', { kv: undefined }],
    ['schema', { schema: undefined }],
    ['run', { run: undefined }],
  ] as const)('refuses a missing `%s` at construction, naming it', (option, missing) => {
    const base = { receiver: keys, kv: memoryKv(), schema: Payload, run: async () => null }
    const build = () => createJobHandler({ ...base, ...missing } as never)
    expect(build).toThrow(ValidationError)
    expect(build).toThrow(expect.objectContaining({ code: 'validation', details: expect.objectContaining({ option }) }))
  })

  it('refuses bad numeric options', () => {
    const base = { receiver: keys, kv: memoryKv(), schema: Payload, run: async () => null }
    expect(() => createJobHandler({ ...base, maxBatch: 0 })).toThrow(ValidationError)
    expect(() => createJobHandler({ ...base, name: 'Not A Name' })).toThrow(ValidationError)
  })
})

describe('createJobHandler: signatures (real HS256 tokens minted with jose)', () => {
  const now = () => Math.floor(Date.now() / 1000)

  it('accepts a valid token signed with the current key, and with the next key', async () => {
    const { handler, effects } = setup()
    expect((await handler(await delivery(payload('cur')))).status).toBe(200)
    const next = await handler(await delivery(payload('next'), { token: { key: keys.nextSigningKey } }))
    expect(next.status).toBe(200)
    expect([...effects.keys()].sort()).toEqual(['cur', 'next'])
  })

  it.each([
    ['missing signature', { signature: null }],
    ['expired token', { token: { exp: now() - 10, iat: now() - 400, nbf: now() - 400 } }],
    ['future nbf', { token: { nbf: now() + 120 } }],
    ['wrong issuer', { token: { iss: 'NotUpstash' } }],
    ['missing issuer', { token: { iss: null } }],
    ['wrong subject (URL)', { token: { sub: 'https://evil.example.test/api/jobs/test' } }],
    ['missing subject', { token: { sub: null } }],
    ['unknown key', { token: { key: 'sig_someone_else' } }],
    ['body hash of another body', { token: { bodyHash: 'AAAA' } }],
    ['garbage signature', { signature: 'not-a-jwt' }],
  ] as const)('refuses a %s with 401 and runs nothing', async (_name, options) => {
    const { handler, runs } = setup()
    const res = await handler(await delivery(payload(), options as never))
    expect(res.status).toBe(401)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
    expect(runs).toEqual([])
  })

  it('checks the URL even when the request URL matches the token (configured url wins)', async () => {
    const { handler, runs } = setup()
    const sub = 'https://internal.example.test/api/jobs/test'
    const res = await handler(await delivery(payload(), { target: sub, token: { sub } }))
    expect(res.status).toBe(401)
    expect(runs).toEqual([])
  })

  it('uses req.url when no url is configured', async () => {
    const { handler, runs } = setup({ url: undefined })
    expect((await handler(await delivery(payload()))).status).toBe(200)
    expect(runs).toEqual(['o-1'])
  })

  it('refuses dev-server tokens even with QSTASH_DEV=true', async () => {
    const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env
    const before = env?.QSTASH_DEV
    if (env) env.QSTASH_DEV = 'true'
    try {
      const { handler, runs } = setup()
      const res = await handler(await delivery(payload(), { token: { key: 'sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r' } }))
      expect(res.status).toBe(401)
      expect(runs).toEqual([])
    } finally {
      if (env) {
        if (before === undefined) delete env.QSTASH_DEV
        else env.QSTASH_DEV = before
      }
    }
  })

  it('refuses any single-byte change of a signed body (fast-check)', async () => {
    const { handler, runs } = setup()
    const body = JSON.stringify(payload('tamper', ['x', 'y', 'z']))
    const bytes = new TextEncoder().encode(body)
    const signature = await mintToken(body)
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (index, flip) => {
        const tampered = bytes.slice()
        tampered[index] = (tampered[index] as number) ^ flip
        const res = await handler(
          new Request(url, {
            method: 'POST',
            body: tampered,
            headers: { 'Upstash-Signature': signature, 'Upstash-Message-Id': `msg_t${index}_${flip}` },
          }),
        )
        expect(res.status).toBe(401)
      }),
      { numRuns: 200 },
    )
    expect(runs).toEqual([])
  })

  it('answers 405 to anything but POST', async () => {
    const { handler } = setup()
    expect((await handler(new Request(url))).status).toBe(405)
  })
})

describe('createJobHandler: payloads', () => {
  async function expectNonRetryable(res: Response) {
    expect(res.status).toBe(NON_RETRYABLE_STATUS)
    expect(res.headers.get('Upstash-NonRetryable-Error')).toBe('true')
    const body = (await res.json()) as { error: { code: string } }
    expect(body.error.code).toBe('validation')
  }

  it('refuses bad JSON, a schema mismatch and a missing message id as non-retryable', async () => {
    const { handler, runs, failures } = setup()
    await expectNonRetryable(await handler(await delivery('{"orderId":')))
    await expectNonRetryable(await handler(await delivery({ orderId: 1 })))
    await expectNonRetryable(await handler(await delivery({ ...payload(), extra: true })))
    const noId = await delivery(payload())
    const headers = new Headers(noId.headers)
    headers.delete('Upstash-Message-Id')
    await expectNonRetryable(await handler(new Request(url, { method: 'POST', headers, body: await noId.text() })))
    expect(runs).toEqual([])
    expect(failures.map((f) => f.code)).toEqual(['validation', 'validation', 'validation', 'validation'])
    expect(failures.every((f) => f.retryable === false)).toBe(true)
  })

  it('refuses a body over maxBodyBytes, declared or streamed', async () => {
    const { handler, runs } = setup({ maxBodyBytes: 1024 })
    const big = payload(
      'big',
      Array.from({ length: 200 }, () => 'xxxxxxxxxx'),
    )
    await expectNonRetryable(await handler(await delivery(big)))
    const text = JSON.stringify(big)
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text))
        controller.close()
      },
    })
    const res = await handler(
      new Request(url, {
        method: 'POST',
        body: stream,
        headers: { 'Upstash-Signature': await mintToken(text), 'Upstash-Message-Id': 'm-stream' },
        duplex: 'half',
      } as RequestInit),
    )
    await expectNonRetryable(res)
    expect(runs).toEqual([])
  })

  it('batches of 0–200 items: more than maxBatch (50) is non-retryable and runs nothing (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 200 }), async (n) => {
        const { handler, runs } = setup()
        const res = await handler(
          await delivery(
            payload(
              `batch-${n}`,
              Array.from({ length: n }, (_, i) => `i${i}`),
            ),
          ),
        )
        if (n > 50) {
          expect(res.status).toBe(NON_RETRYABLE_STATUS)
          expect(runs).toEqual([])
        } else {
          expect(res.status).toBe(200)
          expect(runs).toEqual([`batch-${n}`])
        }
      }),
      { numRuns: 60 },
    )
  })
})

describe('createJobHandler: idempotency', () => {
  it('a second delivery of a message is a duplicate: 200 { duplicate: true }, no second run', async () => {
    const { handler, runs } = setup()
    expect(await (await handler(await delivery(payload(), { messageId: 'm1' }))).json()).toEqual({
      ok: true,
      result: { applied: true },
    })
    const again = await handler(await delivery(payload(), { messageId: 'm1', retried: 1 }))
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual({ ok: true, duplicate: true })
    expect(runs).toEqual(['o-1'])
  })

  it('another message with the same business key is a duplicate', async () => {
    const { handler, runs } = setup()
    await handler(await delivery(payload(), { messageId: 'm1' }))
    const res = await handler(await delivery(payload(), { messageId: 'm2' }))
    expect(await res.json()).toEqual({ ok: true, duplicate: true })
    expect(runs).toEqual(['o-1'])
  })

  it('a replayed token never runs the job twice, even under another message id', async () => {
    const { handler, runs } = setup({ key: undefined })
    const body = JSON.stringify(payload('replay'))
    const signature = await mintToken(body)
    const send = (messageId: string) =>
      handler(
        new Request(url, {
          method: 'POST',
          body,
          headers: { 'Upstash-Signature': signature, 'Upstash-Message-Id': messageId },
        }),
      )
    expect((await send('m-a')).status).toBe(200)
    expect((await send('m-a')).status).toBe(200)
    expect((await send('m-b')).status).toBe(409)
    expect(runs).toEqual(['replay'])
  })

  it('N concurrent duplicate deliveries (fc.scheduler) end in exactly one effect', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 12 }), async (s, n) => {
        const effects = new Map<string, number>()
        let runs = 0
        const handler = createJobHandler({
          name: 'test-job',
          receiver: keys,
          kv: memoryKv(),
          schema: Payload,
          key: (p) => p.orderId,
          url,
          run: async (p) => {
            runs++
            await s.schedule(Promise.resolve(), 'inside run')
            effects.set(p.orderId, (effects.get(p.orderId) ?? 0) + 1)
            return null
          },
        })
        const requests = await Promise.all(
          Array.from({ length: n }, (_, i) => delivery(payload('same'), { messageId: i % 2 ? 'm-odd' : 'm-even' })),
        )
        const pending = requests.map((r) => s.schedule(Promise.resolve(r), 'delivery').then(handler))
        const statuses = (await s.waitFor(Promise.all(pending))).map((r) => r.status)
        expect(statuses.every((status) => status === 200 || status === 409)).toBe(true)
        // QStash redelivers the 409s later: they find the work done.
        for (const [i, status] of statuses.entries()) {
          if (status !== 409) continue
          const res = await handler(await delivery(payload('same'), { messageId: i % 2 ? 'm-odd' : 'm-even' }))
          expect(res.status).toBe(200)
          expect(await res.json()).toEqual({ ok: true, duplicate: true })
        }
        expect(runs).toBe(1)
        expect(effects.get('same')).toBe(1)
      }),
      { numRuns: 40 },
    )
  })

  it('a crash after claiming ends with exactly one effect once the claim expires', async () => {
    let clock = 1_000_000
    const kv = mortalKv(memoryKv({ now: () => clock }))
    const effects = new Map<string, number>()
    let crashAfterEffect = true
    const handler = createJobHandler({
      name: 'test-job',
      receiver: keys,
      kv,
      schema: Payload,
      key: (p) => p.orderId,
      url,
      claimTtlSeconds: 30,
      run: async (p) => {
        if (!effects.has(p.orderId)) effects.set(p.orderId, 1) // committed, idempotent by key
        if (crashAfterEffect) {
          kv.dead = true // the process dies: nothing reaches the store any more
          throw new Error('killed')
        }
        return 'done'
      },
    })
    const first = await handler(await delivery(payload('crash'), { messageId: 'm-crash' }))
    expect(first.status).toBe(500)
    // A new process: QStash redelivers while the dead worker's claim is still held.
    kv.dead = false
    crashAfterEffect = false
    const early = await handler(await delivery(payload('crash'), { messageId: 'm-crash', retried: 1 }))
    expect(early.status).toBe(409)
    expect(early.headers.get('Retry-After')).toBe('10')
    clock += 31_000
    const later = await handler(await delivery(payload('crash'), { messageId: 'm-crash', retried: 2 }))
    expect(later.status).toBe(200)
    const dup = await handler(await delivery(payload('crash'), { messageId: 'm-crash', retried: 3 }))
    expect(await dup.json()).toEqual({ ok: true, duplicate: true })
    expect(effects.get('crash')).toBe(1)
  })

  it('a failed run releases its claims, so the retry runs at once', async () => {
    let fail = true
    const { handler, runs } = setup({
      run: async (p) => {
        runs.push(p.orderId)
        if (fail) throw new UnavailableError('The database is unavailable')
        return { applied: true }
      },
    })
    expect((await handler(await delivery(payload(), { messageId: 'm-r' }))).status).toBe(503)
    fail = false
    expect((await handler(await delivery(payload(), { messageId: 'm-r', retried: 1 }))).status).toBe(200)
    expect(runs).toEqual(['o-1', 'o-1'])
  })

  it('answers 503 when the idempotency store is down, and runs nothing', async () => {
    const kv = mortalKv(memoryKv())
    kv.dead = true
    const { handler, runs } = setup({ kv })
    const res = await handler(await delivery(payload()))
    expect(res.status).toBe(503)
    expect(res.headers.get('Retry-After')).toBe('10')
    expect(runs).toEqual([])
  })
})

describe('createJobHandler: error mapping (table-driven)', () => {
  const cases: [string, () => unknown, number, boolean][] = [
    ['validation', () => new ValidationError('bad'), NON_RETRYABLE_STATUS, false],
    ['not_found', () => new NotFoundError('gone'), NON_RETRYABLE_STATUS, false],
    ['forbidden', () => new TripSageError('forbidden', 'no'), NON_RETRYABLE_STATUS, false],
    ['unauthorized', () => new TripSageError('unauthorized', 'no'), NON_RETRYABLE_STATUS, false],
    ['conflict', () => new ConflictError('busy'), 409, true],
    ['rate_limited', () => new RateLimitedError('slow down'), 429, true],
    ['unavailable', () => new UnavailableError('down'), 503, true],
    ['internal', () => new TripSageError('internal', 'bug'), 500, true],
    ['a plain Error', () => new Error('secret row data'), 500, true],
  ]

  it.each(cases)('%s → its status', async (_code, make, status, retryable) => {
    const { handler, failures } = setup({
      maxRetries: 3,
      run: async () => {
        throw make()
      },
    })
    const res = await handler(await delivery(payload(), { messageId: 'm-e', retried: 0 }))
    expect(res.status).toBe(status)
    expect(res.headers.get('Upstash-NonRetryable-Error')).toBe(retryable ? null : 'true')
    const body = (await res.json()) as { error: { message: string } }
    expect(body.error.message).not.toContain('secret')
    // Non-retryable failures are final at once; retryable ones only on the last attempt.
    expect(failures.length).toBe(retryable ? 0 : 1)
    const last = await handler(await delivery(payload(), { messageId: 'm-e', retried: 3 }))
    expect(last.status).toBe(status)
    expect(failures.length).toBe(retryable ? 1 : 2)
    expect(failures.at(-1)).toMatchObject({ job: 'test-job', messageId: 'm-e', retried: 3, retryable })
  })

  it('a throwing onFailure does not change the answer', async () => {
    const { handler } = setup({
      onFailure: vi.fn(() => {
        throw new Error('recorder down')
      }),
      run: async () => {
        throw new ValidationError('bad')
      },
    })
    expect((await handler(await delivery(payload()))).status).toBe(NON_RETRYABLE_STATUS)
  })
})
