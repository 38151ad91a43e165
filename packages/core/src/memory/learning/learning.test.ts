import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import { MockLanguageModelV4 } from 'ai/test'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type UserClient } from '../../client.js'
import { localEmbedder } from '../../embeddings/local-embedder.js'
import { TripSageError } from '../../errors.js'
import { aiSdkDecider } from './ai-sdk-decider.js'
import { aiSdkExtractor } from './ai-sdk-extractor.js'
import { applyMemoryPlan } from './apply.js'
import { lexicalExtractor } from './lexical-extractor.js'
import { planMemoryChanges } from './plan.js'
import type { ConversationMessage, MemoryExtractor } from './ports.js'

let database: TestDatabase
const embedder = localEmbedder()

beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database?.close())

async function newUser(): Promise<{ user: TestUser; me: UserClient }> {
  const user = await createTestUser(database.db)
  return { user, me: createTripSage({ db: database.db, embedder }).forUser(user.claims) }
}

function messages(...contents: string[]): ConversationMessage[] {
  return contents.map((content) => ({
    id: crypto.randomUUID(),
    role: 'user',
    content,
    createdAt: '2026-12-06T00:00:00Z',
  }))
}

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 10, text: 10, reasoning: undefined },
}

/** A mock model whose answer is computed from the prompt it receives (as text). */
function mockModel(modelId: string, answer: (prompt: string) => unknown): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    provider: 'mock',
    modelId,
    doGenerate: async (options) => {
      const prompt = JSON.stringify(options.prompt)
      const value = answer(
        JSON.parse(prompt)
          .map((m: { content: unknown }) => JSON.stringify(m.content))
          .join('\n'),
      )
      return {
        content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value) }],
        finishReason: { unified: 'stop', raw: undefined },
        usage,
        warnings: [],
      }
    },
  })
}

/** The ref (`c1`, `m2`…) the prompt gives the line containing `text`. */
function refOf(prompt: string, text: string): string {
  const line = prompt.split(/\\n|\n/).find((l) => l.includes(text))
  const ref = line && /\[([a-zA-Z]+\d+)\]/.exec(line)?.[1]
  if (!ref) throw new Error(`"${text}" is not in the prompt`)
  return ref
}

async function counts(userId: string): Promise<{ memories: number; events: number }> {
  const r = await sql<{ memories: number; events: number }>`
    select (select count(*)::int from public.memories where user_id = ${userId}::uuid) as memories,
      (select count(*)::int from public.memory_events where user_id = ${userId}::uuid) as events`.execute(database.db)
  return r.rows[0] as { memories: number; events: number }
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<TripSageError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(TripSageError.isInstance(error), String(error)).toBe(true)
  expect((error as TripSageError).code).toBe(code)
  return error as TripSageError
}

describe('memory learning with a model (mock): extraction → reconciliation → history', () => {
  it("applies the model's ADD, UPDATE, DELETE and NONE exactly once, each with one history event", async () => {
    const { user, me } = await newUser()
    const [aisle, vegetarian, berlin] = await me.memory.addMany([
      { content: 'Prefers aisle seats' },
      { content: 'Is vegetarian' },
      { content: 'Lives in Berlin', type: 'other' },
    ])
    const batch = messages(
      'Actually, put me by the window from now on.',
      'I eat everything again, no more vegetarian food for me.',
      'As you know I live in Berlin.',
      'We adore small boutique hotels.',
    )
    const extractor = aiSdkExtractor({
      model: mockModel('extractor', (prompt) => ({
        facts: [
          {
            content: 'Prefers window seats',
            type: 'user_preference',
            importance: 0.7,
            sources: [refOf(prompt, 'window')],
          },
          {
            content: 'No longer vegetarian',
            type: 'user_preference',
            importance: 0.9,
            sources: [refOf(prompt, 'eat everything')],
          },
          { content: 'Lives in Berlin', type: 'other', importance: 0.6, sources: [refOf(prompt, 'live in Berlin')] },
          {
            content: 'Loves boutique hotels',
            type: 'user_preference',
            importance: 0.7,
            sources: [refOf(prompt, 'boutique')],
          },
        ],
      })),
    })
    const deciderModel = mockModel('decider', (prompt) => ({
      decisions: [
        {
          fact: 'F1',
          operation: 'UPDATE',
          target: refOf(prompt, 'Prefers aisle seats'),
          content: 'Prefers window seats (no longer aisle)',
          reason: 'newer seat preference',
        },
        { fact: 'F2', operation: 'DELETE', target: refOf(prompt, 'Is vegetarian'), reason: 'contradicted' },
        { fact: 'F3', operation: 'NONE', target: refOf(prompt, '(other, similarity'), reason: 'already known' },
        { fact: 'F4', operation: 'ADD', reason: 'new' },
      ],
    }))
    const decider = aiSdkDecider({ model: deciderModel })
    const before = await counts(user.id)

    const plan = await planMemoryChanges(me.memory, embedder, batch, {
      userId: user.id,
      options: { extractor, decider },
    })
    expect(plan.decider).toBe('model:mock/decider')
    expect(plan.changes.map((c) => c.operation)).toEqual(['UPDATE', 'DELETE', 'NONE', 'ADD'])
    expect(await counts(user.id)).toEqual(before) // planning writes nothing

    const applied = await me.transaction((tx) => applyMemoryPlan(tx.db, plan, { userId: user.id }))
    expect(applied.map((a) => a.operation)).toEqual(['UPDATE', 'DELETE', 'NONE', 'ADD'])
    expect(applied[0]?.memoryId).toBe(aisle?.id)

    const all = (await me.memory.list()).items
    expect(all.map((m) => m.content).sort()).toEqual([
      'Lives in Berlin',
      'Loves boutique hotels',
      'Prefers window seats (no longer aisle)',
    ])
    expect(all.find((m) => m.content.startsWith('Prefers window'))?.id).toBe(aisle?.id) // UPDATE keeps the id
    expect(await counts(user.id)).toEqual({ memories: 3, events: before.events + 3 }) // NONE records nothing

    const seatHistory = await me.memory.history(aisle?.id as string)
    expect(seatHistory.map((e) => [e.operation, e.decider])).toEqual([
      ['add', 'user'],
      ['update', 'model:mock/decider'],
    ])
    expect(seatHistory[1]).toMatchObject({
      oldContent: 'Prefers aisle seats',
      newContent: 'Prefers window seats (no longer aisle)',
      sourceMessageIds: [batch[0]?.id],
      reason: 'newer seat preference',
    })
    const dietHistory = await me.memory.history(vegetarian?.id as string)
    expect(dietHistory.map((e) => [e.operation, e.oldContent, e.sourceMessageIds])).toEqual([
      ['add', null, []],
      ['delete', 'Is vegetarian', [batch[1]?.id]],
    ])
    expect(await me.memory.history(berlin?.id as string)).toHaveLength(1)
    const added = all.find((m) => m.content === 'Loves boutique hotels')
    expect((await me.memory.history(added?.id as string)).map((e) => [e.operation, e.sourceMessageIds])).toEqual([
      ['add', [batch[3]?.id]],
    ])

    // The same plan again replays no decision: the stale UPDATE is a conflict and rolls back the rest.
    await expectCode(
      me.transaction((tx) => applyMemoryPlan(tx.db, plan, { userId: user.id })),
      'conflict',
    )
    expect(await counts(user.id)).toEqual({ memories: 3, events: before.events + 3 })

    // A deleted memory comes back from its history, with its id.
    const restored = await me.memory.restore(vegetarian?.id as string)
    expect(restored).toMatchObject({ id: vegetarian?.id, content: 'Is vegetarian', type: 'user_preference' })
    expect((await me.memory.history(vegetarian?.id as string)).map((e) => e.operation)).toEqual([
      'add',
      'delete',
      'restore',
    ])
  })

  it('a malformed model answer is a typed failure and nothing is written', async () => {
    const { user, me } = await newUser()
    await me.memory.add({ content: 'Prefers aisle seats' })
    const batch = messages('I prefer window seats now.')
    const before = await counts(user.id)
    const extractor = lexicalExtractor()
    const answers: Record<string, (prompt: string) => unknown> = {
      'not JSON': () => 'Sure! I would update the seat preference.',
      'off the schema': () => ({ decisions: [{ fact: 'F1', operation: 'MERGE' }] }),
      'a target that was not listed': () => ({
        decisions: [{ fact: 'F1', operation: 'DELETE', target: 'c9' }],
      }),
      'a missing decision': () => ({ decisions: [] }),
      'a repeated fact': (prompt) => ({
        decisions: [
          { fact: 'F1', operation: 'NONE', target: refOf(prompt, 'aisle') },
          { fact: 'F1', operation: 'ADD' },
        ],
      }),
    }
    for (const [label, answer] of Object.entries(answers)) {
      const error = await expectCode(
        planMemoryChanges(me.memory, embedder, batch, {
          userId: user.id,
          options: { extractor, decider: aiSdkDecider({ model: mockModel('decider', answer) }) },
        }),
        'unavailable',
      )
      expect(error.details, label).toMatchObject({ reason: 'malformed_answer', stage: 'decider' })
      expect(JSON.stringify(error.toJSON())).not.toContain('window') // no conversation text in errors
    }
    const badExtractor = aiSdkExtractor({
      model: mockModel('extractor', () => ({
        facts: [{ content: 'Prefers window seats', type: 'user_preference', importance: 0.7, sources: ['m7'] }],
      })),
    })
    const error = await expectCode(
      planMemoryChanges(me.memory, embedder, batch, { userId: user.id, options: { extractor: badExtractor } }),
      'unavailable',
    )
    expect(error.details).toMatchObject({ reason: 'malformed_answer', stage: 'extractor' })
    expect(await counts(user.id)).toEqual(before)
  })

  it('is bounded: at most maxFacts facts (the most important), and a time budget', async () => {
    const { user, me } = await newUser()
    const batch = messages(
      'I like museums.',
      "I'm allergic to peanuts.",
      'We visited Rome in 2019.',
      'I use a wheelchair.',
    )
    const plan = await planMemoryChanges(me.memory, embedder, batch, { userId: user.id, options: { maxFacts: 2 } })
    expect(plan).toMatchObject({ extracted: 4, dropped: 2, decider: 'rule:reconcile-v1' })
    expect(plan.changes.map((c) => c.content)).toEqual(["I'm allergic to peanuts", 'I use a wheelchair'])

    const stuck: MemoryExtractor = {
      id: 'test:stuck',
      extract: (_messages, { signal }) =>
        new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true })),
    }
    const error = await expectCode(
      planMemoryChanges(me.memory, embedder, batch, {
        userId: user.id,
        options: { extractor: stuck, timeBudgetMs: 20 },
      }),
      'unavailable',
    )
    expect(error.message).toMatch(/time budget/)
    await expectCode(
      planMemoryChanges(me.memory, embedder, batch, { userId: user.id, options: { maxFacts: 0 } }),
      'validation',
    )
  })

  it('a later fact of the same batch corrects an earlier one: one memory, both sources', async () => {
    const { user, me } = await newUser()
    const batch = messages('I prefer aisle seats.', 'Hmm, actually I prefer window seats.')
    const plan = await planMemoryChanges(me.memory, embedder, batch, { userId: user.id })
    await me.transaction((tx) => applyMemoryPlan(tx.db, plan, { userId: user.id }))
    const all = (await me.memory.list()).items
    expect(all.map((m) => m.content)).toEqual(['I prefer window seats'])
    const [event] = await me.memory.history(all[0]?.id as string)
    expect(event?.sourceMessageIds.sort()).toEqual(batch.map((m) => m.id).sort())
    expect(event?.decider).toBe('rule:reconcile-v1')
  })
})

describe('me.memory.history and restore', () => {
  it('records add, update and forget by the user; restores by memory id or by event id', async () => {
    const { user, me } = await newUser()
    const memory = await me.memory.add({ content: 'Prefers aisle seats', importance: 0.8 })
    await me.memory.update(memory.id, { content: 'Prefers aisle seats on long flights' })
    await me.memory.forget(memory.id)
    const history = await me.memory.history(memory.id)
    expect(history.map((e) => [e.operation, e.decider, e.oldContent, e.newContent])).toEqual([
      ['add', 'user', null, 'Prefers aisle seats'],
      ['update', 'user', 'Prefers aisle seats', 'Prefers aisle seats on long flights'],
      ['forget', 'user', 'Prefers aisle seats on long flights', null],
    ])
    expect(await me.memory.history(memory.id, { limit: 1 })).toEqual([history[2]])

    const back = await me.memory.restore(memory.id)
    expect(back).toMatchObject({ id: memory.id, content: 'Prefers aisle seats on long flights', importance: 0.8 })
    expect(back.embeddingModel).toBe(embedder.model)
    expect((await me.memory.search({ query: 'aisle seats long flights', limit: 1 }))[0]?.id).toBe(memory.id)
    await expectCode(me.memory.restore(memory.id), 'conflict') // it exists: pass an event id

    const original = await me.memory.restore(history[0]?.id as string) // back to the first version
    expect(original.content).toBe('Prefers aisle seats')
    expect((await me.memory.history(memory.id)).map((e) => e.operation)).toEqual([
      'add',
      'update',
      'forget',
      'restore',
      'restore',
    ])

    await expectCode(me.memory.restore(crypto.randomUUID()), 'not_found')
    await expectCode(me.memory.history('not-a-uuid'), 'validation')
    const stranger = await newUser()
    expect(await stranger.me.memory.history(memory.id)).toEqual([]) // RLS: not theirs
    await expectCode(stranger.me.memory.restore(history[0]?.id as string), 'not_found')
    expect((await counts(stranger.user.id)).memories).toBe(0)
    expect((await counts(user.id)).memories).toBe(1)
  })
})
