import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type UserClient } from '../client.js'
import { TripSageError } from '../errors.js'
import type { JsonValueInput } from '../json-value.js'
import type { ChatSession, ChatToolCall } from './schema.js'

let database: TestDatabase
let user: TestUser
let me: UserClient
let session: ChatSession
let call: ChatToolCall

beforeAll(async () => {
  database = await createTestDatabase()
  user = await createTestUser(database.db)
  me = createTripSage({ db: database.db }).forUser(user.claims)
  session = await me.chat.sessions.create()
  call = await me.chat.toolCalls.record(session.id, { toolName: 'lookup', arguments: {} })
})

afterAll(() => database.close())

/** Rows in the chat tables: bad input must leave them as they were. */
async function chatRowCounts() {
  const { rows } = await sql<{ sessions: number; messages: number; calls: number }>`
    select (select count(*) from public.chat_sessions)::integer as sessions,
           (select count(*) from public.chat_messages)::integer as messages,
           (select count(*) from public.chat_tool_calls)::integer as calls
  `.execute(database.db)
  return rows[0]
}

async function expectValidation(run: () => Promise<unknown>) {
  const error = await run().then(
    () => null,
    (e: unknown) => e,
  )
  expect(TripSageError.isInstance(error) && error.code, String(error)).toBe('validation')
}

const notUuid = fc.oneof(
  fc.string().filter((s) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)),
  fc.integer(),
  fc.constant(null),
)
/** Strings Postgres would refuse or alter: with NUL or with an unpaired surrogate. */
const unstorable = fc.oneof(
  fc.tuple(fc.string(), fc.string()).map(([a, b]) => `${a}\u0000${b}`),
  fc.tuple(fc.string(), fc.constantFrom('\uD800', '\uDFFF', '\uDBFF')).map(([a, s]) => `${a}${s}`),
)
/** Not JSON: values JSON cannot hold, possibly nested. */
const notJson = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, undefined, () => 1, 10n, new Date(0), Symbol('x')),
  fc.constantFrom(Number.NaN, undefined).map((v) => ({ nested: [v] })),
)
const notObject = fc.oneof(fc.string(), fc.integer(), fc.array(fc.jsonValue()), fc.constant(null), fc.boolean())
const unknownKey = fc
  .string({ minLength: 1 })
  .filter((k) => !['tripId', 'title', 'metadata', 'role', 'content'].includes(k))

describe('bad input never reaches the database (fast-check)', () => {
  let before: Awaited<ReturnType<typeof chatRowCounts>>
  beforeAll(async () => {
    before = await chatRowCounts()
  })

  it('sessions.create', async () => {
    const bad = fc.oneof(
      notObject.filter((v) => v !== undefined),
      notUuid.filter((v) => v !== null).map((tripId) => ({ tripId })),
      fc.string({ minLength: 201, maxLength: 300 }).map((title) => ({ title })),
      unstorable.map((title) => ({ title })),
      notObject.map((metadata) => ({ metadata })),
      notJson.map((v) => ({ metadata: { v } })),
      fc.tuple(unknownKey, fc.jsonValue()).map(([k, v]) => ({ [k]: v })),
      fc.constantFrom(
        { userId: crypto.randomUUID() },
        { id: crypto.randomUUID() },
        { endedAt: '2026-01-01T00:00:00Z' },
      ),
    )
    await fc.assert(fc.asyncProperty(bad, (input) => expectValidation(() => me.chat.sessions.create(input as never))))
  })

  it('sessions.get / find / end / list', async () => {
    await fc.assert(
      fc.asyncProperty(notUuid, async (id) => {
        await expectValidation(() => me.chat.sessions.get(id as never))
        await expectValidation(() => me.chat.sessions.find(id as never))
        await expectValidation(() => me.chat.sessions.end(id as never))
      }),
    )
    const badList = fc.oneof(
      fc
        .oneof(fc.integer({ max: 0 }), fc.integer({ min: 101 }), fc.double({ min: 1.01, max: 99.99, noInteger: true }))
        .map((limit) => ({ limit })),
      fc.oneof(fc.constant(''), fc.string({ minLength: 1 }), fc.integer()).map((cursor) => ({ cursor })),
      notUuid.map((tripId) => ({ tripId })),
      fc
        .tuple(
          unknownKey.filter((k) => !['limit', 'cursor'].includes(k)),
          fc.jsonValue(),
        )
        .map(([k, v]) => ({ [k]: v })),
    )
    await fc.assert(fc.asyncProperty(badList, (input) => expectValidation(() => me.chat.sessions.list(input as never))))
  })

  it('messages.append', async () => {
    const badMessage = fc.oneof(
      fc
        .string()
        .filter((r) => !['user', 'assistant', 'system', 'tool'].includes(r))
        .map((role) => ({ role, content: 'x' })),
      unstorable.map((content) => ({ role: 'user', content })),
      fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.string())).map((content) => ({ role: 'user', content })),
      fc.constant({ role: 'user', content: 'x'.repeat(32_769) }),
      fc.constant({ role: 'user', content: '🧳'.repeat(32_769) }),
      notObject.map((metadata) => ({ role: 'user', content: 'x', metadata })),
      fc.constantFrom({ role: 'user', content: 'x', seq: 1 }, { role: 'user', content: 'x', userId: user.id }),
      notObject,
    )
    const badBatch = fc.oneof(
      badMessage,
      fc
        .tuple(fc.array(fc.constant({ role: 'user', content: 'ok' }), { maxLength: 3 }), badMessage)
        .map(([ok, b]) => [...ok, b]),
      fc.constant([]),
      fc.constant(Array.from({ length: 101 }, () => ({ role: 'user', content: 'x' }))),
    )
    await fc.assert(
      fc.asyncProperty(badBatch, (input) =>
        expectValidation(() => me.chat.messages.append(session.id, input as never)),
      ),
    )
    await fc.assert(
      fc.asyncProperty(notUuid, (id) =>
        expectValidation(() => me.chat.messages.append(id as never, { role: 'user', content: 'x' })),
      ),
    )
  })

  it('messages.history / count', async () => {
    const bad = fc.oneof(
      fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 101 }), fc.constant(Number.NaN)).map((limit) => ({ limit })),
      fc
        .string()
        .filter((o) => o !== 'newest' && o !== 'oldest')
        .map((order) => ({ order })),
      fc.oneof(fc.constant(''), fc.string({ minLength: 1 })).map((cursor) => ({ cursor })),
      fc
        .tuple(
          unknownKey.filter((k) => !['limit', 'cursor', 'order'].includes(k)),
          fc.jsonValue(),
        )
        .map(([k, v]) => ({ [k]: v })),
      notObject,
    )
    await fc.assert(
      fc.asyncProperty(bad, (input) => expectValidation(() => me.chat.messages.history(session.id, input as never))),
    )
    await fc.assert(fc.asyncProperty(notUuid, (id) => expectValidation(() => me.chat.messages.count(id as never))))
  })

  it('toolCalls.record / start / complete / fail', async () => {
    const bad = fc.oneof(
      fc.oneof(fc.constant(''), fc.string({ minLength: 201, maxLength: 260 }), unstorable).map((toolName) => ({
        toolName,
        arguments: {},
      })),
      fc.oneof(fc.constant(''), fc.string({ minLength: 201, maxLength: 260 })).map((toolCallId) => ({
        toolName: 't',
        arguments: {},
        toolCallId,
      })),
      notObject.map((args) => ({ toolName: 't', arguments: args })),
      notJson.map((v) => ({ toolName: 't', arguments: { v } })),
      notUuid.map((messageId) => ({ toolName: 't', arguments: {}, messageId })),
      fc.constantFrom(
        { toolName: 't' },
        { toolName: 't', arguments: {}, status: 'completed' },
        { toolName: 't', arguments: {}, result: 1 },
      ),
    )
    await fc.assert(
      fc.asyncProperty(bad, (input) => expectValidation(() => me.chat.toolCalls.record(session.id, input as never))),
    )
    await fc.assert(
      fc.asyncProperty(notUuid, async (id) => {
        await expectValidation(() => me.chat.toolCalls.start(id as never))
        await expectValidation(() => me.chat.toolCalls.get(id as never))
        await expectValidation(() => me.chat.toolCalls.complete(id as never, 1))
        await expectValidation(() => me.chat.toolCalls.fail(id as never, 'x'))
      }),
    )
    await fc.assert(
      fc.asyncProperty(notJson, (result) =>
        expectValidation(() => me.chat.toolCalls.complete(call.id, result as never)),
      ),
    )
    const badMessage = fc.oneof(
      fc.constant(''),
      fc.string({ minLength: 4001, maxLength: 4100 }),
      unstorable,
      fc.integer(),
    )
    await fc.assert(
      fc.asyncProperty(badMessage, (m) => expectValidation(() => me.chat.toolCalls.fail(call.id, m as never))),
    )
  })

  it('wrote nothing', async () => {
    expect(await chatRowCounts()).toEqual(before)
    expect((await me.chat.toolCalls.get(call.id)).status).toBe('pending')
  })
})

describe('the zod boundary agrees with Postgres (fast-check)', () => {
  it('any string is either refused by zod or stored and read back unchanged', async () => {
    const content = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
    )
    await fc.assert(
      fc.asyncProperty(content, fc.jsonValue({ maxDepth: 2 }), async (text, value) => {
        const result = await me.chat.messages
          .append(session.id, { role: 'user', content: text, metadata: { value: value as JsonValueInput, [text]: 1 } })
          .then(
            (m) => m,
            (e: unknown) => e,
          )
        if (TripSageError.isInstance(result)) {
          expect(result.code).toBe('validation')
          // Refused only when Postgres would refuse (NUL) or alter (no UTF-8 round trip) the text.
          const utf8RoundTrip = new TextDecoder().decode(new TextEncoder().encode(text))
          expect(text.includes(String.fromCharCode(0)) || utf8RoundTrip !== text).toBe(true)
          return
        }
        const [stored] = (await me.chat.messages.history(session.id, { limit: 1 })).items
        expect(stored?.content).toBe(text)
        // jsonb reorders keys and does not keep -0: compare values after a JSON round trip.
        expect(stored?.metadata.value).toEqual(JSON.parse(JSON.stringify(value)))
      }),
      { numRuns: 60 },
    )
  })
})
