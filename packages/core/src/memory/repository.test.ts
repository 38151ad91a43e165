import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage } from '../client.js'
import { EMBEDDING_DIMENSIONS, type Embedder } from '../embeddings/embedder.js'
import { localEmbedder } from '../embeddings/local-embedder.js'
import { TripSageError } from '../errors.js'

let database: TestDatabase
let alice: TestUser
let bob: TestUser

beforeAll(async () => {
  database = await createTestDatabase()
  alice = await createTestUser(database.db)
  bob = await createTestUser(database.db)
})
afterAll(() => database.close())

const embedder = localEmbedder()

/** A unit vector along axis `i`, nudged by `noise` along axis `j`. */
function axis(i: number, noise = 0, j = (i + 1) % EMBEDDING_DIMENSIONS): number[] {
  const v = new Array<number>(EMBEDDING_DIMENSIONS).fill(0)
  v[i] = 1
  v[j] = (v[j] ?? 0) + noise
  return v
}

async function countRows(userId: string): Promise<number> {
  const r = await sql<{ n: number }>`
    select (select count(*) from memories where user_id = ${userId}::uuid)
      + (select count(*) from session_memories where user_id = ${userId}::uuid) as n`.execute(database.db)
  return Number(r.rows[0]?.n)
}

async function newSession(userId: string): Promise<string> {
  const r = await sql<{
    id: string
  }>`insert into chat_sessions (user_id) values (${userId}::uuid) returning id`.execute(database.db)
  return (r.rows[0] as { id: string }).id
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<TripSageError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected a ${code} error`)
    },
    (e: unknown) => e,
  )
  expect(TripSageError.isInstance(error), String(error)).toBe(true)
  expect((error as TripSageError).code).toBe(code)
  return error as TripSageError
}

describe('me.memory: writing', () => {
  it('adds a memory with the model id, defaults and a content hash', async () => {
    const user = await createTestUser(database.db)
    const me = createTripSage({ db: database.db, embedder }).forUser(user.claims)
    const memory = await me.memory.add({
      content: '  Prefers aisle seats on long flights  ',
      metadata: { topic: 'flights' },
    })
    expect(memory).toMatchObject({
      userId: user.id,
      sessionId: null,
      type: 'user_preference',
      content: 'Prefers aisle seats on long flights',
      embeddingModel: embedder.model,
      metadata: { topic: 'flights' },
      importance: 0.5,
      expiresAt: null,
    })
    expect(memory.contentHash).toMatch(/^[0-9a-f]{64}$/)
    expect(await me.memory.get(memory.id)).toEqual(memory)
  })

  it('is idempotent by (user, content hash): re-adding returns the existing memory and embeds nothing', async () => {
    const user = await createTestUser(database.db)
    let calls = 0
    const counting: Embedder = {
      ...embedder,
      embed: (texts, o) => {
        calls += 1
        return embedder.embed(texts, o)
      },
    }
    const me = createTripSage({ db: database.db, embedder: counting }).forUser(user.claims)
    const first = await me.memory.add({ content: 'Allergic to peanuts' })
    const again = await me.memory.add({ content: 'Allergic   to\npeanuts', importance: 0.9 })
    expect(again).toEqual(first)
    expect(calls).toBe(1)
    expect(await countRows(user.id)).toBe(1)
  })

  it('addMany: one embed call, one INSERT, input order, duplicates mapped to one memory', async () => {
    const user = await createTestUser(database.db)
    const batches: string[][] = []
    const recording: Embedder = {
      ...embedder,
      embed: (texts, o) => {
        batches.push(texts)
        return embedder.embed(texts, o)
      },
    }
    const me = createTripSage({ db: database.db, embedder: recording }).forUser(user.claims)
    const existing = await me.memory.add({ content: 'Travels with a dog' })
    batches.length = 0
    const memories = await me.memory.addMany([
      { content: 'Likes museums', type: 'trip_history' },
      { content: 'Travels with a dog' },
      { content: 'Vegetarian', metadata: { diet: true } },
      { content: 'Likes  museums', type: 'trip_history' },
    ])
    expect(batches).toEqual([['Likes museums', 'Vegetarian']])
    expect(memories.map((m) => m.content)).toEqual([
      'Likes museums',
      'Travels with a dog',
      'Vegetarian',
      'Likes museums',
    ])
    expect(memories[1]).toEqual(existing)
    expect(memories[3]?.id).toBe(memories[0]?.id)
    expect(memories[0]?.type).toBe('trip_history')
    expect(await countRows(user.id)).toBe(3)
  })

  it('stores a precomputed embedding with its model, and needs a model when there is no embedder', async () => {
    const user = await createTestUser(database.db)
    const noEmbedder = createTripSage({ db: database.db }).forUser(user.claims)
    await expectCode(noEmbedder.memory.add({ content: 'needs an embedder' }), 'validation')
    await expectCode(noEmbedder.memory.add({ content: 'no model', embedding: axis(3) }), 'validation')
    const m = await noEmbedder.memory.add({ content: 'precomputed', embedding: axis(3), embeddingModel: 'my-model' })
    expect(m.embeddingModel).toBe('my-model')
    const hits = await noEmbedder.memory.search({ embedding: axis(3), embeddingModel: 'my-model' })
    expect(hits.map((h) => h.id)).toEqual([m.id])
    expect(hits[0]?.similarity).toBeCloseTo(1, 5)
    expect(await countRows(user.id)).toBe(1)
  })

  it('refuses bad input with validation and writes nothing', async () => {
    const user = await createTestUser(database.db)
    const sessionId = await newSession(user.id)
    const me = createTripSage({ db: database.db, embedder }).forUser(user.claims)
    const nan = axis(1)
    nan[7] = Number.NaN
    const bad: unknown[] = [
      { content: 'short vector', embedding: [1, 2, 3], embeddingModel: 'm' },
      { content: 'long vector', embedding: new Array(1537).fill(0.1), embeddingModel: 'm' },
      { content: 'nan', embedding: nan, embeddingModel: 'm' },
      {
        content: 'infinity',
        embedding: axis(1).map((x, i) => (i === 0 ? Number.POSITIVE_INFINITY : x)),
        embeddingModel: 'm',
      },
      { content: '' },
      { content: ' \n\t ' },
      { content: 'x'.repeat(8193), sessionId },
      { content: 'x'.repeat(8193) },
      { content: 'typed session memory', sessionId, type: 'other' },
      { content: 'bad type', type: 'nope' },
      { content: 'bad importance', importance: 2 },
      { content: 'bad expiry', expiresAt: 'tomorrow' },
      { content: 'mass assignment', userId: bob.id },
      { content: 'a model without a vector', embeddingModel: 'm' },
    ]
    for (const input of bad) await expectCode(me.memory.add(input as never), 'validation')
    // One bad item fails the whole batch.
    await expectCode(me.memory.addMany([{ content: 'fine' }, { content: '' }]), 'validation')
    await expectCode(me.memory.addMany([]), 'validation')
    await expectCode(me.memory.search({ embedding: [1, 2] }), 'validation')
    await expectCode(me.memory.search({ query: 'x', embedding: axis(1) }), 'validation')
    await expectCode(me.memory.search({ query: 'x', minSimilarity: 1.5 }), 'validation')
    expect(await countRows(user.id)).toBe(0)
    // 8192 characters (code points, not UTF-16 units) is the limit.
    const max = await me.memory.add({ content: '🧳'.repeat(8192), sessionId })
    expect(Array.from(max.content)).toHaveLength(8192)
  })

  it('refuses an embedder that returns the wrong dimension, writing nothing', async () => {
    const user = await createTestUser(database.db)
    const liar: Embedder = {
      model: 'liar',
      dimensions: EMBEDDING_DIMENSIONS,
      embed: async (t) => t.map(() => [1, 2, 3]),
    }
    const me = createTripSage({ db: database.db, embedder: liar }).forUser(user.claims)
    await expectCode(me.memory.add({ content: 'anything' }), 'validation')
    expect(await countRows(user.id)).toBe(0)
  })

  it('createTripSage refuses an embedder whose dimension is not the column dimension', () => {
    const small: Embedder = { ...localEmbedder({ dimensions: 768 }) }
    let error: unknown
    try {
      createTripSage({ db: database.db, embedder: small })
    } catch (e) {
      error = e
    }
    expect(TripSageError.isInstance(error) && error.code).toBe('validation')
  })
})

describe('me.memory: reading, updating, forgetting', () => {
  it('lists newest first with keyset cursors and filters', async () => {
    const user = await createTestUser(database.db)
    const me = createTripSage({ db: database.db, embedder }).forUser(user.claims)
    const added = await me.memory.addMany(
      Array.from({ length: 7 }, (_, i) => ({
        content: `memory number ${i}`,
        type: i % 2 ? ('trip_history' as const) : ('other' as const),
        metadata: { i },
      })),
    )
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = await me.memory.list({ limit: 3, ...(cursor ? { cursor } : {}) })
      seen.push(...page.items.map((m) => m.id))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(seen).toHaveLength(7)
    expect(new Set(seen)).toEqual(new Set(added.map((m) => m.id)))
    const typed = await me.memory.list({ types: ['trip_history'] })
    expect(typed.items).toHaveLength(3)
    const meta = await me.memory.list({ metadata: { i: 4 } })
    expect(meta.items.map((m) => m.content)).toEqual(['memory number 4'])
    await expectCode(me.memory.list({ cursor: 'garbage' }), 'validation')
  })

  it('update re-embeds a changed content and keeps the embedding otherwise', async () => {
    const user = await createTestUser(database.db)
    const me = createTripSage({ db: database.db, embedder }).forUser(user.claims)
    const m = await me.memory.add({ content: 'Favourite city is Porto' })
    const embeddingOf = async (id: string) =>
      (await sql<{ e: string }>`select embedding::text as e from memories where id = ${id}::uuid`.execute(database.db))
        .rows[0]?.e
    const before = await embeddingOf(m.id)
    const sameContent = await me.memory.update(m.id, { importance: 0.8, metadata: { a: 1 } })
    expect(sameContent).toMatchObject({ importance: expect.closeTo(0.8, 5), metadata: { a: 1 }, content: m.content })
    expect(await embeddingOf(m.id)).toBe(before)
    const changed = await me.memory.update(m.id, { content: 'Favourite city is Kyoto', type: 'trip_history' })
    expect(changed).toMatchObject({ content: 'Favourite city is Kyoto', type: 'trip_history' })
    expect(changed.contentHash).not.toBe(m.contentHash)
    expect(await embeddingOf(m.id)).not.toBe(before)
    const [hit] = await me.memory.search({ query: 'Kyoto', limit: 1 })
    expect(hit?.id).toBe(m.id)
    // Colliding with another memory's content is a conflict.
    await me.memory.add({ content: 'Something else' })
    await expectCode(me.memory.update(m.id, { content: 'Something  else' }), 'conflict')
    await expectCode(me.memory.update(m.id, {}), 'validation')
    await expectCode(me.memory.update(crypto.randomUUID(), { importance: 0.1 }), 'not_found')
  })

  it('forget and forgetAll delete only what they name', async () => {
    const user = await createTestUser(database.db)
    const sessionId = await newSession(user.id)
    const me = createTripSage({ db: database.db, embedder }).forUser(user.claims)
    const [a] = await me.memory.addMany([
      { content: 'a', type: 'other' },
      { content: 'b', type: 'trip_history' },
      { content: 'c', type: 'trip_history' },
      { content: 'session note', sessionId },
    ])
    await me.memory.forget((a as { id: string }).id)
    await expectCode(me.memory.get((a as { id: string }).id), 'not_found')
    await expectCode(me.memory.forget((a as { id: string }).id), 'not_found')
    expect(await me.memory.forgetAll({ types: ['trip_history'] })).toBe(2)
    expect(await me.memory.forgetAll({ sessionId })).toBe(1)
    expect(await countRows(user.id)).toBe(0)
  })
})

describe('me.memory: session memories', () => {
  it('are stored, deduplicated and searched per session', async () => {
    const user = await createTestUser(database.db)
    const s1 = await newSession(user.id)
    const s2 = await newSession(user.id)
    const me = createTripSage({ db: database.db, embedder }).forUser(user.claims)
    const messageId = crypto.randomUUID()
    const m1 = await me.memory.add({ content: 'Wants a hotel near Shibuya', sessionId: s1, sourceMessageId: messageId })
    expect(m1).toMatchObject({ sessionId: s1, type: null })
    // Same content in another session is another memory; a redelivered message is the same one.
    const m2 = await me.memory.add({ content: 'Wants a hotel near Shibuya', sessionId: s2 })
    expect(m2.id).not.toBe(m1.id)
    const redelivered = await me.memory.add({
      content: 'A different extraction',
      sessionId: s1,
      sourceMessageId: messageId,
    })
    expect(redelivered.id).toBe(m1.id)
    const hits = await me.memory.search({ query: 'hotel Shibuya', sessionId: s1 })
    expect(hits.map((h) => h.id)).toEqual([m1.id])
    expect((await me.memory.search({ query: 'hotel Shibuya' })).length).toBe(0)
    expect(await me.memory.get(m1.id, { sessionId: s1 })).toEqual(m1)
    await expectCode(me.memory.get(m1.id), 'not_found')
    const hybrid = await me.memory.hybridSearch({ query: 'Shibuya', sessionId: s2 })
    expect(hybrid.map((h) => h.id)).toEqual([m2.id])
    // One batch, same content in two sessions: two memories, each found again by its own session.
    const batch = [
      { content: 'Same note', sessionId: s2 },
      { content: 'Same note', sessionId: s1 },
    ]
    const both = await me.memory.addMany(batch)
    expect(both.map((m) => m.sessionId)).toEqual([s2, s1])
    expect(await me.memory.addMany(batch)).toEqual(both)
  })

  it('cannot be written into another user’s session', async () => {
    const sessionOfBob = await newSession(bob.id)
    const me = createTripSage({ db: database.db, embedder }).forUser(alice.claims)
    const error = await me.memory.add({ content: 'sneaky', sessionId: sessionOfBob }).catch((e: unknown) => e)
    expect(TripSageError.isInstance(error) && ['forbidden', 'not_found'].includes(error.code)).toBe(true)
  })
})

describe('me.memory: recall', () => {
  it('similarity is 1 − cosine distance in [−1, 1], ordered, thresholded and filtered', async () => {
    const user = await createTestUser(database.db)
    const me = createTripSage({ db: database.db }).forUser(user.claims)
    const model = { embeddingModel: 'axes' }
    const opposite = axis(0).map((x) => -x)
    await me.memory.addMany([
      { content: 'same', embedding: axis(0), ...model, metadata: { k: 'a' } },
      { content: 'close', embedding: axis(0, 0.5), ...model, type: 'trip_history' },
      { content: 'orthogonal', embedding: axis(5), ...model },
      { content: 'opposite', embedding: opposite, ...model },
      { content: 'other model', embedding: axis(0), embeddingModel: 'another' },
    ])
    const hits = await me.memory.search({ embedding: axis(0), ...model })
    expect(hits.map((h) => h.content)).toEqual(['same', 'close', 'orthogonal', 'opposite'])
    expect(hits.map((h) => Number(h.similarity.toFixed(4)))).toEqual([
      1,
      Number((1 / Math.sqrt(1.25)).toFixed(4)),
      0,
      -1,
    ])
    const above = await me.memory.search({ embedding: axis(0), ...model, minSimilarity: 0.5 })
    expect(above.map((h) => h.content)).toEqual(['same', 'close'])
    const typed = await me.memory.search({ embedding: axis(0), ...model, types: ['trip_history'] })
    expect(typed.map((h) => h.content)).toEqual(['close'])
    const meta = await me.memory.search({ embedding: axis(0), ...model, metadata: { k: 'a' } })
    expect(meta.map((h) => h.content)).toEqual(['same'])
    const future = await me.memory.search({
      embedding: axis(0),
      ...model,
      since: new Date(Date.now() + 60_000).toISOString(),
    })
    expect(future).toEqual([])
    const otherModel = await me.memory.search({ embedding: axis(0), embeddingModel: 'another' })
    expect(otherModel.map((h) => h.content)).toEqual(['other model'])
  })

  it('expired memories are skipped in SQL, listed on request, revived on re-add and purged by the service', async () => {
    const user = await createTestUser(database.db)
    const tripsage = createTripSage({ db: database.db, embedder })
    const me = tripsage.forUser(user.claims)
    const past = new Date(Date.now() - 60_000).toISOString()
    const expired = await me.memory.add({ content: 'Visa valid until last week', expiresAt: past })
    await me.memory.add({ content: 'Visa for Japan approved' })
    const hits = await me.memory.search({ query: 'visa' })
    expect(hits.map((h) => h.content)).toEqual(['Visa for Japan approved'])
    const hybrid = await me.memory.hybridSearch({ query: 'visa' })
    expect(hybrid.map((h) => h.content)).toEqual(['Visa for Japan approved'])
    expect((await me.memory.list()).items.map((m) => m.id)).not.toContain(expired.id)
    expect((await me.memory.list({ includeExpired: true })).items.map((m) => m.id)).toContain(expired.id)
    // Re-adding an expired memory revives it rather than returning an invisible row.
    const revived = await me.memory.add({ content: 'Visa valid until last week' })
    expect(revived).toMatchObject({ id: expired.id, expiresAt: null })
    await me.memory.update(expired.id, { expiresAt: past })
    const result = await tripsage.service.memory.purgeExpired()
    expect(result.memories).toBeGreaterThanOrEqual(1)
    await expectCode(me.memory.get(expired.id), 'not_found')
    expect(await countRows(user.id)).toBe(1)
  })

  it('hybridSearch keeps a keyword-only hit that the vector arm misses', async () => {
    const user = await createTestUser(database.db)
    const me = createTripSage({ db: database.db }).forUser(user.claims)
    const model = { embeddingModel: 'axes' }
    // Ten distractors point almost the same way as the query; the booking reference points elsewhere.
    await me.memory.addMany(
      Array.from({ length: 10 }, (_, i) => ({
        content: `Liked the hotel breakfast, visit ${i}`,
        embedding: axis(0, 0.05 * (i + 1), 10 + i),
        ...model,
      })),
    )
    const target = await me.memory.add({
      content: 'Booking reference QX7Z9 for the ferry',
      embedding: axis(700),
      ...model,
    })
    const vectorOnly = await me.memory.search({ embedding: axis(0), ...model, limit: 5 })
    expect(vectorOnly.map((h) => h.id)).not.toContain(target.id)
    const hybrid = await me.memory.hybridSearch({
      query: 'QX7Z9',
      embedding: axis(0),
      ...model,
      limit: 5,
      candidates: 5,
    })
    const hit = hybrid.find((h) => h.id === target.id)
    expect(hit).toMatchObject({ vectorRank: null, textRank: 1, similarity: expect.closeTo(0, 5) })
    expect(hybrid).toHaveLength(5)
    // Both lists agree on nothing, so the scores are 1/(k+1) for the tops of each list.
    expect(hybrid[0]?.score).toBeCloseTo(1 / 61, 10)
    // Weighting the text arm puts the exact keyword first.
    const textFirst = await me.memory.hybridSearch({
      query: 'QX7Z9',
      embedding: axis(0),
      ...model,
      weights: { text: 2 },
    })
    expect(textFirst[0]?.id).toBe(target.id)
  })

  it('mmr trades relevance for diversity', async () => {
    const user = await createTestUser(database.db)
    const me = createTripSage({ db: database.db }).forUser(user.claims)
    const model = { embeddingModel: 'axes' }
    // Three near-duplicates along axis 0 (slightly nudged), and one distinct memory half-way to axis 1.
    await me.memory.addMany([
      { content: 'dup 1', embedding: axis(0, 0.01, 2), ...model },
      { content: 'dup 2', embedding: axis(0, 0.02, 2), ...model },
      { content: 'dup 3', embedding: axis(0, 0.03, 2), ...model },
      { content: 'distinct', embedding: axis(0, 0.9, 1), ...model },
    ])
    const query = axis(0)
    const plain = await me.memory.search({ embedding: query, ...model, limit: 2 })
    expect(plain.map((h) => h.content)).toEqual(['dup 1', 'dup 2'])
    const diverse = await me.memory.search({ embedding: query, ...model, limit: 2, mmr: { lambda: 0.5 } })
    expect(diverse.map((h) => h.content)).toEqual(['dup 1', 'distinct'])
    expect(diverse[1]?.similarity).toBeCloseTo(1 / Math.sqrt(1.81), 5)
  })

  it('a user only ever recalls their own memories, even with near-identical vectors', async () => {
    const tripsage = createTripSage({ db: database.db, embedder })
    const a = tripsage.forUser(alice.claims)
    const b = tripsage.forUser(bob.claims)
    const model = { embeddingModel: 'axes' }
    const mine = await a.memory.add({ content: 'Alice passport number P123', embedding: axis(42), ...model })
    const theirs = await b.memory.add({ content: 'Bob passport number P123', embedding: axis(42, 1e-4), ...model })
    for (const [me, own, other] of [
      [a, mine, theirs],
      [b, theirs, mine],
    ] as const) {
      const hits = await me.memory.search({ embedding: axis(42), ...model, limit: 10 })
      expect(hits.map((h) => h.id)).toEqual([own.id])
      const hybrid = await me.memory.hybridSearch({ query: 'passport P123', embedding: axis(42), ...model })
      expect(hybrid.map((h) => h.id)).toEqual([own.id])
      expect((await me.memory.list({ limit: 100 })).items.map((m) => m.userId)).not.toContain(other.userId)
      await expectCode(me.memory.get(other.id), 'not_found')
      await expectCode(me.memory.update(other.id, { importance: 0 }), 'not_found')
      await expectCode(me.memory.forget(other.id), 'not_found')
    }
    expect(await b.memory.get(theirs.id)).toEqual(theirs)
  })

  it('runs inside me.transaction and rolls back with it', async () => {
    const user = await createTestUser(database.db)
    const me = createTripSage({ db: database.db, embedder }).forUser(user.claims)
    await expect(
      me.transaction(async (tx) => {
        await tx.memory.add({ content: 'rolled back' })
        expect((await tx.memory.search({ query: 'rolled back' })).length).toBe(1)
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    expect(await countRows(user.id)).toBe(0)
  })
})
