import { createTripSage, type Embedder, type KvStore, localEmbedder, memoryKv, type RedisLike } from '@tripsage/core'
import {
  createTestDatabase,
  createTestUser,
  startUpstashBridge,
  type TestDatabase,
  type TestUser,
  type UpstashBridge,
} from '@tripsage/testing'
import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createEmbeddedQueue } from '../embedded-queue.js'
import { NON_RETRYABLE_STATUS } from '../responses.js'
import { delivery, keys, mortalKv, url } from '../test-utils.js'
import { memorySyncBusinessKey } from './business-key.js'
import { enqueueMemorySync } from './enqueue.js'
import { createMemorySyncHandler } from './handler.js'
import type { MemorySyncPayload } from './schema.js'

let database: TestDatabase
let bridge: UpstashBridge
let alice: TestUser
let bob: TestUser

beforeAll(async () => {
  database = await createTestDatabase()
  bridge = await startUpstashBridge()
  alice = await createTestUser(database.db)
  bob = await createTestUser(database.db)
})

afterAll(async () => {
  await bridge?.stop()
  await database?.close()
})

/** Counts embed calls and texts. */
function countingEmbedder(): Embedder & { calls: number; texts: number } {
  const inner = localEmbedder()
  const counter = {
    model: inner.model,
    dimensions: inner.dimensions,
    calls: 0,
    texts: 0,
    embed: async (texts: string[]) => {
      counter.calls++
      counter.texts += texts.length
      return inner.embed(texts)
    },
  }
  return counter
}

async function newSession(owner: TestUser): Promise<string> {
  const row = await database.db
    .insertInto('chat_sessions')
    .values({ user_id: owner.id, title: 'Trip planning' })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

async function addMessages(
  owner: TestUser,
  sessionId: string,
  contents: { role: 'user' | 'assistant' | 'system' | 'tool'; content: string }[],
) {
  if (contents.length === 0) return []
  const rows = await database.db
    .insertInto('chat_messages')
    .values(contents.map((c) => ({ session_id: sessionId, user_id: owner.id, role: c.role, content: c.content })))
    .returning(['id', 'role', 'content', 'created_at'])
    .execute()
  return rows.map((r) => ({
    id: r.id,
    role: r.role as 'user' | 'assistant' | 'system' | 'tool',
    content: r.content,
    createdAt: new Date(r.created_at).toISOString(),
  }))
}

async function counts(sessionId: string, userId: string) {
  const [session] = await sql<{
    n: number
  }>`select count(*)::int as n from public.session_memories where session_id = ${sessionId}`
    .execute(database.db)
    .then((r) => r.rows)
  const [longTerm] = await sql<{ n: number }>`select count(*)::int as n from public.memories
    where user_id = ${userId} and metadata->>'sessionId' = ${sessionId}`
    .execute(database.db)
    .then((r) => r.rows)
  return { session: session?.n ?? 0, longTerm: longTerm?.n ?? 0 }
}

function handlerFor(kv: KvStore | RedisLike, embedder: Embedder, extra: { claimTtlSeconds?: number } = {}) {
  const tripsage = createTripSage({ db: database.db })
  return createMemorySyncHandler({ tripsage, embedder, kv, receiver: keys, url, ...extra })
}

describe('memory sync end to end (embedded queue → signed request → handler → PGlite)', () => {
  it('embeds the messages in one call and the learned facts in one more, and writes both in one go', async () => {
    const sessionId = await newSession(alice)
    const messages = await addMessages(alice, sessionId, [
      { role: 'user', content: 'Planning Lisbon in May. I prefer aisle seats and boutique hotels.' },
      { role: 'assistant', content: 'Noted! Shall I look for flights from Berlin?' },
      { role: 'tool', content: '{"flights": []}' },
      { role: 'user', content: 'Yes please, and we never fly overnight.' },
    ])
    const embedder = countingEmbedder()
    const queue = createEmbeddedQueue({ signingKeys: keys, retryDelayMs: () => 0 })
    queue.route(url, handlerFor(memoryKv(), embedder))
    const jobs = await enqueueMemorySync(queue, { url, userId: alice.id, sessionId, messages })
    await queue.drain()
    expect(jobs).toHaveLength(1)
    expect(queue.deliveries.map((d) => d.status)).toEqual([200])
    expect(embedder.calls).toBe(2) // the messages, then the facts
    expect(embedder.texts).toBe(3 + 2) // the tool message is not enqueued
    expect(await counts(sessionId, alice.id)).toEqual({ session: 3, longTerm: 2 })
    const me = createTripSage({ db: database.db, embedder: localEmbedder() }).forUser(alice.claims)
    const hits = await me.memory.search({ query: 'aisle seat', sessionId, limit: 1 })
    expect(hits[0]?.sourceMessageId).toBe(messages[0]?.id)
    const prefs = await me.memory.list({ types: ['user_preference'] })
    expect(prefs.items.map((m) => m.content).sort()).toEqual([
      'I prefer aisle seats and boutique hotels',
      'We never fly overnight',
    ])
    queue.close()
  })

  it('a long conversation goes out as several jobs of at most 50 messages', async () => {
    const sessionId = await newSession(alice)
    const messages = await addMessages(
      alice,
      sessionId,
      Array.from(
        { length: 120 },
        (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `turn number ${i}` }) as const,
      ),
    )
    const embedder = countingEmbedder()
    const queue = createEmbeddedQueue({ signingKeys: keys, retryDelayMs: () => 0 })
    queue.route(url, handlerFor(memoryKv(), embedder))
    const jobs = await enqueueMemorySync(queue, { url, userId: alice.id, sessionId, messages })
    await queue.drain()
    expect(jobs).toHaveLength(3)
    expect(embedder.calls).toBe(3)
    expect((await counts(sessionId, alice.id)).session).toBe(120)
    // Publishing the same conversation again is deduplicated at the queue.
    const again = await enqueueMemorySync(queue, { url, userId: alice.id, sessionId, messages })
    expect(again.every((j) => j.deduplicated)).toBe(true)
    queue.close()
  })
})

describe('memory sync: exactly one effect', () => {
  let payload: MemorySyncPayload
  let sessionId: string

  beforeEach(async () => {
    sessionId = await newSession(alice)
    const messages = await addMessages(
      alice,
      sessionId,
      Array.from(
        { length: 10 },
        (_, i) => ({ role: 'user', content: `I prefer option ${i} for breakfast in ${sessionId}` }) as const,
      ),
    )
    payload = { userId: alice.id, sessionId, messages }
  })

  it('a replay with a new message id after the keys expired changes nothing and embeds nothing', async () => {
    const embedder = countingEmbedder()
    expect((await handlerFor(memoryKv(), embedder)(await delivery(payload))).status).toBe(200)
    const before = await counts(sessionId, alice.id)
    // A fresh idempotency store: the database alone must make the replay a no-op.
    const res = await handlerFor(memoryKv(), embedder)(await delivery(payload))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ result: { synced: 0, alreadySynced: 10 } })
    expect(await counts(sessionId, alice.id)).toEqual(before)
    expect(before).toEqual({ session: 10, longTerm: 10 })
    expect(embedder.calls).toBe(2) // the first delivery's messages and facts; the replay embeds nothing
  })

  for (const backend of ['memoryKv', 'real Redis (Upstash bridge)'] as const) {
    it(`N concurrent duplicate deliveries → one effect (${backend})`, async () => {
      const kv = backend === 'memoryKv' ? memoryKv() : bridge.redis
      const embedder = countingEmbedder()
      const handler = handlerFor(kv, embedder)
      const requests = await Promise.all(
        Array.from({ length: 8 }, (_, i) => delivery(payload, { messageId: `dup-${sessionId}-${i % 3}` })),
      )
      const responses = await Promise.all(requests.map(handler))
      const statuses = responses.map((r) => r.status)
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1)
      // 409: another delivery holds the claim. 503: a claim outran its 1 s Redis deadline while the
      // winner's PGlite work held this process's event loop (a shared 2-core machine) — both are
      // "retry later" answers, and neither may add an effect.
      expect(statuses.every((s) => s === 200 || s === 409 || s === 503)).toBe(true)
      expect(embedder.calls).toBe(2)
      expect(await counts(sessionId, alice.id)).toEqual({ session: 10, longTerm: 10 })
    })
  }

  it('a crash after claiming (effect committed, claims never released) ends with one effect', async () => {
    let clock = Date.now()
    const kv = mortalKv(memoryKv({ now: () => clock }))
    const embedder = countingEmbedder()
    const tripsage = createTripSage({ db: database.db })
    let crash = true
    const handler = createMemorySyncHandler({ tripsage, embedder, kv, receiver: keys, url, claimTtlSeconds: 60 })
    // The process dies right after the write transaction commits: the store takes no more writes
    // (the claims are never completed nor released).
    const killer = createMemorySyncHandler({
      tripsage: {
        ...tripsage,
        forUser: (claims: unknown) => {
          const me = tripsage.forUser(claims)
          return {
            ...me,
            transaction: async (fn: Parameters<typeof me.transaction>[0]) => {
              const result = await me.transaction(fn)
              if (crash && (await counts(sessionId, alice.id)).session > 0) {
                kv.dead = true
                throw new Error('killed after commit')
              }
              return result
            },
          }
        },
      } as never,
      embedder,
      kv,
      receiver: keys,
      url,
      claimTtlSeconds: 60,
    })
    expect((await killer(await delivery(payload, { messageId: 'm-crash' }))).status).toBe(500)
    expect(await counts(sessionId, alice.id)).toEqual({ session: 10, longTerm: 10 })
    kv.dead = false
    crash = false
    expect((await handler(await delivery(payload, { messageId: 'm-crash', retried: 1 }))).status).toBe(409)
    clock += 61_000
    const redelivered = await handler(await delivery(payload, { messageId: 'm-crash', retried: 2 }))
    expect(redelivered.status).toBe(200)
    expect(await counts(sessionId, alice.id)).toEqual({ session: 10, longTerm: 10 })
  })

  it('a crash after claiming but before writing: the redelivery writes it once', async () => {
    let clock = Date.now()
    const kv = mortalKv(memoryKv({ now: () => clock }))
    const failing: Embedder = {
      ...localEmbedder(),
      embed: async () => {
        kv.dead = true
        throw new Error('killed while embedding')
      },
    }
    const first = createMemorySyncHandler({
      tripsage: createTripSage({ db: database.db }),
      embedder: failing,
      kv,
      receiver: keys,
      url,
    })
    expect((await first(await delivery(payload, { messageId: 'm-crash2' }))).status).toBe(503)
    expect(await counts(sessionId, alice.id)).toEqual({ session: 0, longTerm: 0 })
    kv.dead = false
    clock += 301_000
    const second = handlerFor(kv, countingEmbedder())
    expect((await second(await delivery(payload, { messageId: 'm-crash2', retried: 1 }))).status).toBe(200)
    expect(await counts(sessionId, alice.id)).toEqual({ session: 10, longTerm: 10 })
  })
})

describe('memory sync: faults (table-driven)', () => {
  it.each([
    ['the embedder is down', 'embedder'],
    ['the database is down', 'database'],
    ['Redis is down', 'redis'],
  ] as const)('%s → 503, retried; the last attempt records a terminal failure', async (_name, fault) => {
    const sessionId = await newSession(alice)
    const messages = await addMessages(alice, sessionId, [{ role: 'user', content: `fault ${fault} ${sessionId}` }])
    const payload: MemorySyncPayload = { userId: alice.id, sessionId, messages }
    // What `pg` throws when Postgres refuses connections (no SQLSTATE, a network error code).
    const unreachable =
      fault === 'database'
        ? (Object.assign(Object.create(database.db), {
            transaction: () => ({
              execute: async () => {
                throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
              },
            }),
          }) as typeof database.db)
        : null
    const down: Embedder = {
      ...localEmbedder(),
      embed: async () => {
        throw new Error('provider timeout')
      },
    }
    const handler = createMemorySyncHandler({
      // The failure record is written through the healthy database even when the job's is down.
      tripsage: unreachable
        ? { ...createTripSage({ db: unreachable }), service: createTripSage({ db: database.db }).service }
        : createTripSage({ db: database.db }),
      embedder: fault === 'embedder' ? down : localEmbedder(),
      kv: fault === 'redis' ? bridge.redis : memoryKv(),
      receiver: keys,
      url,
      maxRetries: 2,
    })
    if (fault === 'redis') bridge.setFailure('error')
    try {
      const messageId = `fault-${fault}-${sessionId}`
      const first = await handler(await delivery(payload, { messageId, retried: 0 }))
      expect(first.status).toBe(503)
      expect(first.headers.get('Upstash-NonRetryable-Error')).toBeNull()
      const last = await handler(await delivery(payload, { messageId, retried: 2 }))
      expect(last.status).toBe(503)
      const recorded = await sql<{ code: string; retried: number }>`
        select code, retried from private.job_failures where message_id = ${messageId}`.execute(database.db)
      expect(recorded.rows).toEqual([{ code: 'unavailable', retried: 2 }])
    } finally {
      bridge.setFailure(null)
    }
    expect(await counts(sessionId, alice.id)).toEqual({ session: 0, longTerm: 0 })
  })
})

describe('memory sync: learning (extraction → reconciliation → history), exactly once', () => {
  async function events(userId: string): Promise<{ operation: string; decider: string }[]> {
    const r = await sql<{ operation: string; decider: string }>`
      select operation, decider from public.memory_events where user_id = ${userId} order by seq`.execute(database.db)
    return r.rows
  }

  it('the offline default updates, deletes, skips and adds; concurrent and later redeliveries replay no decision', async () => {
    const carol = await createTestUser(database.db)
    const me = createTripSage({ db: database.db, embedder: localEmbedder() }).forUser(carol.claims)
    const [aisle, vegetarian] = await me.memory.addMany([
      { content: 'I prefer aisle seats' },
      { content: "I'm vegetarian" },
      { content: 'I live in Berlin', type: 'other' },
    ])
    const sessionId = await newSession(carol)
    const messages = await addMessages(carol, sessionId, [
      { role: 'user', content: 'I prefer window seats now.' },
      { role: 'assistant', content: 'Noted, window seats it is.' },
      { role: 'user', content: "I'm no longer vegetarian." },
      { role: 'user', content: 'As you know, I live in Berlin.' },
      { role: 'user', content: 'I love boutique hotels. What is the weather in Lisbon?' },
    ])
    const before = await events(carol.id)
    const payload = { userId: carol.id, sessionId, messages }
    // Four deliveries at once, each with its own idempotency store: only the database dedupes.
    const responses = await Promise.all(
      [0, 1, 2, 3].map(async (i) =>
        handlerFor(memoryKv(), countingEmbedder())(await delivery(payload, { messageId: `learn-${sessionId}-${i}` })),
      ),
    )
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200])
    const results = await Promise.all(
      responses.map(
        async (r) => ((await r.json()) as { result: { synced: number; memories: Record<string, unknown> } }).result,
      ),
    )
    const winners = results.filter((r) => r.synced > 0)
    expect(winners).toHaveLength(1)
    expect(winners[0]?.memories).toEqual({
      decider: 'rule:reconcile-v1',
      extracted: 4,
      dropped: 0,
      added: 1,
      updated: 1,
      deleted: 1,
      unchanged: 1,
    })
    for (const r of results.filter((x) => x.synced === 0)) {
      expect(r.memories).toMatchObject({ added: 0, updated: 0, deleted: 0 })
    }

    const after = await events(carol.id)
    expect(after.slice(before.length)).toEqual([
      { operation: 'update', decider: 'rule:reconcile-v1' },
      { operation: 'delete', decider: 'rule:reconcile-v1' },
      { operation: 'add', decider: 'rule:reconcile-v1' },
    ])
    const contents = (await me.memory.list()).items.map((m) => m.content).sort()
    expect(contents).toEqual(['I live in Berlin', 'I love boutique hotels', 'I prefer window seats now'])
    expect((await me.memory.get(aisle?.id as string)).content).toBe('I prefer window seats now')
    expect((await me.memory.history(vegetarian?.id as string)).at(-1)).toMatchObject({
      operation: 'delete',
      sourceMessageIds: [messages[2]?.id],
    })

    // Past the idempotency window: a fresh store, a new message id. Nothing is decided again.
    const late = await handlerFor(memoryKv(), countingEmbedder())(await delivery(payload, { messageId: 'learn-late' }))
    expect(((await late.json()) as { result: { synced: number } }).result.synced).toBe(0)
    expect(await events(carol.id)).toEqual(after)
    // The deleted memory can be restored from its history.
    expect((await me.memory.restore(vegetarian?.id as string)).content).toBe("I'm vegetarian")
  })
})

describe('memory sync: refusals', () => {
  it("another user's session is non-retryable, writes nothing and records the failure", async () => {
    const sessionId = await newSession(bob)
    const messages = await addMessages(bob, sessionId, [{ role: 'user', content: 'bob likes trains' }])
    const forged: MemorySyncPayload = { userId: alice.id, sessionId, messages }
    const res = await handlerFor(memoryKv(), countingEmbedder())(await delivery(forged, { messageId: 'm-forged' }))
    expect(res.status).toBe(NON_RETRYABLE_STATUS)
    expect(res.headers.get('Upstash-NonRetryable-Error')).toBe('true')
    expect(await counts(sessionId, bob.id)).toEqual({ session: 0, longTerm: 0 })
    const failures = await sql<{ code: string; retried: number }>`
      select code, retried from private.job_failures where message_id = 'm-forged'`.execute(database.db)
    expect(failures.rows).toEqual([{ code: 'not_found', retried: 0 }])
  })

  it('a session the user only sees through a shared trip is forbidden', async () => {
    const trip = await database.db
      .insertInto('trips')
      .values({
        user_id: bob.id,
        name: 'Shared',
        destination: 'Porto',
        start_date: '2026-05-01',
        end_date: '2026-05-05',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await database.db
      .insertInto('trip_collaborators')
      .values({ trip_id: trip.id, user_id: alice.id, role: 'viewer' })
      .execute()
    const session = await database.db
      .insertInto('chat_sessions')
      .values({ user_id: bob.id, trip_id: trip.id })
      .returning('id')
      .executeTakeFirstOrThrow()
    const messages = await addMessages(bob, session.id, [{ role: 'user', content: 'I love trams' }])
    const res = await handlerFor(
      memoryKv(),
      countingEmbedder(),
    )(await delivery({ userId: alice.id, sessionId: session.id, messages }, { messageId: 'm-shared' }))
    expect(res.status).toBe(NON_RETRYABLE_STATUS)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden')
  })

  it('batches of 0–200 messages: more than 50 is refused and nothing is written (fast-check)', async () => {
    const sessionId = await newSession(alice)
    const pool = await addMessages(
      alice,
      sessionId,
      Array.from({ length: 200 }, (_, i) => ({ role: 'user', content: `message ${i}` }) as const),
    )
    const handler = handlerFor(memoryKv(), countingEmbedder())
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 51, max: 200 }), async (n) => {
        const res = await handler(await delivery({ userId: alice.id, sessionId, messages: pool.slice(0, n) }))
        expect(res.status).toBe(NON_RETRYABLE_STATUS)
        expect((await counts(sessionId, alice.id)).session).toBe(0)
      }),
      { numRuns: 25 },
    )
    for (const n of [0, 1, 50]) {
      const res = await handler(await delivery({ userId: alice.id, sessionId, messages: pool.slice(0, n) }))
      expect(res.status).toBe(200)
    }
    expect((await counts(sessionId, alice.id)).session).toBe(50)
  })

  it('the business key is the one the outbox computes', async () => {
    const key = await memorySyncBusinessKey('00000000-0000-4000-8000-0000000000aa', [
      '00000000-0000-4000-8000-000000000002',
      '00000000-0000-4000-8000-000000000001',
    ])
    const [row] = (
      await sql<{ key: string }>`select 'memory-sync:00000000-0000-4000-8000-0000000000aa:' ||
        encode(sha256(convert_to('00000000-0000-4000-8000-000000000001,00000000-0000-4000-8000-000000000002', 'UTF8')), 'hex') as key`.execute(
        database.db,
      )
    ).rows
    expect(key).toBe(row?.key)
  })

  it('session memories only with learning: false (no fact extracted, no long-term memory)', async () => {
    const sessionId = await newSession(alice)
    const messages = await addMessages(alice, sessionId, [{ role: 'user', content: 'I prefer aisle seats.' }])
    const embedder = countingEmbedder()
    const tripsage = createTripSage({ db: database.db })
    const handler = createMemorySyncHandler({
      tripsage,
      embedder,
      kv: memoryKv(),
      receiver: keys,
      url,
      learning: false,
    })
    const res = await handler(await delivery({ userId: alice.id, sessionId, messages }))
    expect(res.status).toBe(200)
    expect(await counts(sessionId, alice.id)).toEqual({ session: 1, longTerm: 0 })
    expect(embedder.calls).toBe(1)
  })
})
