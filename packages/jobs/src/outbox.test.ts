import { createTripSage, localEmbedder, memoryKv, type TripSage, TripSageError } from '@tripsage/core'
import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEmbeddedQueue, type EmbeddedQueue } from './embedded-queue.js'
import type { JobPublisher } from './enqueue.js'
import { createMemorySyncHandler } from './memory-sync/handler.js'
import { addMemorySyncToOutbox, addToOutbox, relayOutbox } from './outbox.js'

const url = 'https://jobs.example.test/api/jobs/memory-sync'
const destinations = { 'memory-sync': url }

let database: TestDatabase
let tripsage: TripSage
let alice: TestUser
let bob: TestUser

beforeAll(async () => {
  database = await createTestDatabase()
  tripsage = createTripSage({ db: database.db })
  alice = await createTestUser(database.db)
  bob = await createTestUser(database.db)
})

afterAll(async () => {
  await database?.close()
})

function queueWithHandler(options: { deduplicationWindowMs?: number } = {}): EmbeddedQueue {
  const queue = createEmbeddedQueue({ retryDelayMs: () => 0, ...options })
  queue.route(
    url,
    createMemorySyncHandler({ tripsage, embedder: localEmbedder(), kv: memoryKv(), receiver: queue.signingKeys, url }),
  )
  return queue
}

/** The host app's chat route: append messages and enqueue their sync in ONE user transaction. */
async function appendWithOutbox(user: TestUser, sessionId: string, contents: string[]): Promise<string[]> {
  return tripsage.forUser(user.claims).transaction(async (tx) => {
    const ids: string[] = []
    for (let i = 0; i < contents.length; i += 50) {
      const turns = contents.slice(i, i + 50).map((content) => ({ role: 'user' as const, content }))
      ids.push(...(await tx.chat.messages.append(sessionId, turns)).map((m) => m.id))
    }
    return addMemorySyncToOutbox(tx.db, { sessionId, messageIds: ids })
  })
}

async function newSession(user: TestUser): Promise<string> {
  const row = await database.db
    .insertInto('chat_sessions')
    .values({ user_id: user.id })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

async function sessionMemories(sessionId: string): Promise<number> {
  const result = await sql<{
    n: number
  }>`select count(*)::int as n from public.session_memories where session_id = ${sessionId}`.execute(database.db)
  return result.rows[0]?.n ?? 0
}

async function pending(): Promise<number> {
  const result = await sql<{
    n: number
  }>`select count(*)::int as n from private.job_outbox where published_at is null`.execute(database.db)
  return result.rows[0]?.n ?? 0
}

describe('outbox', () => {
  it('is written with the messages (same transaction) and rolls back with them', async () => {
    const sessionId = await newSession(alice)
    await expect(
      tripsage.forUser(alice.claims).transaction(async (tx) => {
        const rows = await tx.db
          .insertInto('chat_messages')
          .values({ session_id: sessionId, user_id: alice.id, role: 'user', content: 'rolled back' })
          .returning('id')
          .execute()
        await addMemorySyncToOutbox(tx.db, { sessionId, messageIds: rows.map((r) => r.id) })
        throw new Error('the chat route failed later')
      }),
    ).rejects.toThrow('the chat route failed later')
    const result = await sql<{ n: number }>`select count(*)::int as n from private.job_outbox
      where payload->>'sessionId' = ${sessionId}`.execute(database.db)
    expect(result.rows[0]?.n).toBe(0)
  })

  it('a crash between commit and publish still yields exactly one job: the next relay publishes it', async () => {
    const sessionId = await newSession(alice)
    const ids = await appendWithOutbox(alice, sessionId, ['I prefer trains', 'Book Porto'])
    expect(ids).toHaveLength(1)
    // The process dies here: nothing was published. A later relay (cron, next request) runs.
    const queue = queueWithHandler()
    expect(await relayOutbox({ tripsage, publisher: queue, destinations })).toMatchObject({ published: 1, failed: 0 })
    await queue.drain()
    expect(queue.deliveries.map((d) => d.status)).toEqual([200])
    expect(await sessionMemories(sessionId)).toBe(2)
    expect(await relayOutbox({ tripsage, publisher: queue, destinations })).toMatchObject({ published: 0 })
    queue.close()
  })

  for (const window of ['within QStash dedup window', 'past the window (dedup by the handler)'] as const) {
    it(`a crash after publish but before marking it published → one effect (${window})`, async () => {
      const sessionId = await newSession(alice)
      await appendWithOutbox(alice, sessionId, ['first', 'second', 'third'])
      const queue = queueWithHandler(window.startsWith('within') ? {} : { deduplicationWindowMs: 1 })
      // The relay publishes, then dies before it can record the publish.
      const dying: JobPublisher = {
        publishJSON: async (request) => {
          await queue.publishJSON(request)
          throw new Error('killed after publish')
        },
      }
      expect(await relayOutbox({ tripsage, publisher: dying, destinations })).toMatchObject({ failed: 1 })
      // Let the first delivery finish before the re-publish: with zero retry delays, a concurrent
      // duplicate (a real server runs them in parallel) would spend its retries on 409 "in progress".
      await queue.drain()
      await sql`update private.job_outbox set available_at = now() where published_at is null`.execute(database.db)
      await new Promise((resolve) => setTimeout(resolve, 5))
      expect(await relayOutbox({ tripsage, publisher: queue, destinations })).toMatchObject({ published: 1 })
      await queue.drain()
      expect(await sessionMemories(sessionId)).toBe(3)
      const statuses = queue.deliveries.map((d) => d.status)
      if (window.startsWith('within')) expect(statuses).toEqual([200])
      else expect(statuses).toEqual([200, 200]) // the second one answered { duplicate: true }
      expect(await pending()).toBe(0)
      queue.close()
    })
  }

  it('a failed publish is retried later with a backoff and an error code', async () => {
    const sessionId = await newSession(alice)
    await appendWithOutbox(alice, sessionId, ['hello'])
    const down: JobPublisher = {
      publishJSON: async () => {
        throw new Error('QStash unreachable')
      },
    }
    expect(await relayOutbox({ tripsage, publisher: down, destinations })).toMatchObject({ failed: 1 })
    const row = await sql<{ last_error: string; later: boolean; attempts: number }>`
      select last_error, available_at > now() as later, attempts from private.job_outbox where published_at is null`.execute(
      database.db,
    )
    expect(row.rows).toEqual([{ last_error: 'publish_failed', later: true, attempts: 1 }])
    // Not due yet: a relay right now leaves it alone.
    const queue = queueWithHandler()
    expect(await relayOutbox({ tripsage, publisher: queue, destinations })).toMatchObject({ published: 0 })
    await sql`update private.job_outbox set available_at = now() where published_at is null`.execute(database.db)
    expect(await relayOutbox({ tripsage, publisher: queue, destinations })).toMatchObject({ published: 1 })
    await queue.drain()
    expect(await sessionMemories(sessionId)).toBe(1)
    queue.close()
  })

  it('concurrent relays publish each row once (skip locked + lease)', async () => {
    const sessionId = await newSession(alice)
    await appendWithOutbox(
      alice,
      sessionId,
      Array.from({ length: 120 }, (_, i) => `turn ${i}`),
    )
    const queue = queueWithHandler({ deduplicationWindowMs: 1 })
    const results = await Promise.all(
      Array.from({ length: 4 }, () => relayOutbox({ tripsage, publisher: queue, destinations, limit: 2 })),
    )
    const published = results.reduce((sum, r) => sum + r.published, 0)
    expect(published).toBeLessThanOrEqual(3)
    while ((await relayOutbox({ tripsage, publisher: queue, destinations })).published > 0) {
      // drain the rest
    }
    await queue.drain()
    expect(queue.deliveries).toHaveLength(3)
    expect(await sessionMemories(sessionId)).toBe(120)
    queue.close()
  })

  it("a user cannot enqueue another user's session, nor write the outbox directly", async () => {
    const sessionId = await newSession(bob)
    const [message] = await database.db
      .insertInto('chat_messages')
      .values({ session_id: sessionId, user_id: bob.id, role: 'user', content: 'mine' })
      .returning('id')
      .execute()
    const attempt = tripsage
      .forUser(alice.claims)
      .transaction((tx) => addMemorySyncToOutbox(tx.db, { sessionId, messageIds: [message?.id as string] }))
    await expect(attempt).rejects.toSatisfy((e) => TripSageError.isInstance(e) && e.code === 'forbidden')
    const direct = tripsage
      .forUser(alice.claims)
      .transaction((tx) =>
        addToOutbox(tx.db, { job: 'memory-sync', userId: alice.id, dedupKey: 'forged', payload: { x: 1 } }),
      )
    await expect(direct).rejects.toSatisfy((e) => TripSageError.isInstance(e) && e.code === 'forbidden')
  })

  it('addToOutbox (service transaction) is idempotent on the dedup key', async () => {
    const add = () =>
      tripsage.service.transaction((tx) =>
        addToOutbox(tx.db, {
          job: 'welcome-email',
          userId: alice.id,
          dedupKey: `welcome:${alice.id}`,
          payload: { a: 1 },
        }),
      )
    const first = await add()
    expect(await add()).toBe(first)
    // No destination for this job: the memory-sync relay leaves it alone.
    const queue = queueWithHandler()
    await relayOutbox({ tripsage, publisher: queue, destinations })
    const row = await sql<{ published: boolean }>`
      select published_at is not null as published from private.job_outbox where id = ${first}::uuid`.execute(
      database.db,
    )
    expect(row.rows).toEqual([{ published: false }])
    await sql`delete from private.job_outbox where id = ${first}::uuid`.execute(database.db)
    queue.close()
  })
})
