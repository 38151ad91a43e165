import { createTestDatabase, createTestUser, startPostgresServer, type TestUser } from '@tripsage/testing'
import { safeValidateUIMessages, type UIMessage, validateUIMessages } from 'ai'
import fc from 'fast-check'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type TripSage } from '../client.js'
import { migrate } from '../db/migrate.js'
import { applyPlatform } from '../db/platform.js'
import type { TripSageDatabase } from '../db/schema.js'
import { TripSageError } from '../errors.js'
import { uiConversation, uiMessage, uiMessagePart } from './ui-message-arbitraries.test-support.js'
import { UIMessageInput } from './ui-message-schema.js'

/** A migrated database on one engine. */
interface Engine {
  readonly db: Kysely<TripSageDatabase>
  close(): Promise<void>
}

async function pglite(): Promise<Engine> {
  const database = await createTestDatabase()
  return { db: database.db, close: () => database.close() }
}

async function postgres(): Promise<Engine> {
  const server = await startPostgresServer()
  const pool = new pg.Pool({ connectionString: server.url, max: 4 })
  // A backend ended by the server's shutdown must not crash the run (reliability.md §6).
  pool.on('error', () => undefined)
  const db = new Kysely<TripSageDatabase>({ dialect: new PostgresDialect({ pool }) })
  await applyPlatform(db)
  await migrate(db)
  return {
    db,
    close: async () => {
      await db.destroy()
      await server.stop()
    },
  }
}

/** What a message is once it has travelled as JSON (undefined fields dropped). */
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value))

function errorCode(error: unknown): string {
  return TripSageError.isInstance(error) ? error.code : `not a TripSageError: ${String(error)}`
}

describe.each([
  ['PGlite', pglite],
  ['PostgreSQL 15', postgres],
])('UIMessage persistence on %s', (_engine, open) => {
  let engine: Engine
  let tripsage: TripSage
  let owner: TestUser
  let collaborator: TestUser
  let stranger: TestUser
  let tripId: string

  beforeAll(async () => {
    engine = await open()
    tripsage = createTripSage({ db: engine.db })
    owner = await createTestUser(engine.db)
    collaborator = await createTestUser(engine.db)
    stranger = await createTestUser(engine.db)
    const trip = await tripsage.forUser(owner.claims).trips.create({
      name: 'Lisbon',
      destination: 'Lisbon, PT',
      startDate: '2027-05-01',
      endDate: '2027-05-05',
    })
    tripId = trip.id
    await engine.db
      .insertInto('trip_collaborators')
      .values({ trip_id: tripId, user_id: collaborator.id, role: 'editor' })
      .execute()
  }, 180_000)

  afterAll(() => engine?.close())

  async function newSession(options: { tripId?: string } = {}) {
    return tripsage.forUser(owner.claims).chat.sessions.create(options)
  }

  async function rowCounts(sessionId: string) {
    const row = await engine.db
      .selectNoFrom((eb) => [
        eb
          .selectFrom('chat_messages')
          .where('session_id', '=', sessionId)
          .select(sql<number>`count(*)::int`.as('n'))
          .as('messages'),
        eb
          .selectFrom('chat_tool_calls')
          .where('session_id', '=', sessionId)
          .select(sql<number>`count(*)::int`.as('n'))
          .as('calls'),
        eb
          .selectFrom('chat_messages')
          .where('session_id', '=', sessionId)
          .select(sql<string>`coalesce(max(updated_at)::text, '')`.as('t'))
          .as('lastUpdate'),
      ])
      .executeTakeFirstOrThrow()
    return { messages: Number(row.messages), calls: Number(row.calls), lastUpdate: row.lastUpdate }
  }

  it('round-trips generated conversations losslessly; the result passes validateUIMessages; saving again changes nothing', async () => {
    const me = tripsage.forUser(owner.claims)
    await fc.assert(
      fc.asyncProperty(uiConversation, async (conversation) => {
        const session = await newSession()
        const first = await me.chat.messages.saveUIMessages(session.id, conversation)
        expect(first.inserted.map((m) => m.id)).toEqual(conversation.map((m) => m.id))

        const loaded = await me.chat.messages.loadUIMessages<UIMessage>(session.id)
        expect(loaded).toEqual(asJson(conversation))
        await validateUIMessages({ messages: loaded })

        const before = await rowCounts(session.id)
        const again = await me.chat.messages.saveUIMessages(session.id, conversation)
        expect(again.unchanged).toHaveLength(conversation.length)
        expect(await rowCounts(session.id)).toEqual(before)
        expect(await me.chat.messages.loadUIMessages(session.id)).toEqual(asJson(conversation))
      }),
      { numRuns: 40 },
    )
  }, 300_000)

  it('every message the SDK accepts, the AI SDK accepts (the structural check is never looser)', async () => {
    // Mutate valid messages: drop a key, or swap a value for another JSON value.
    const mutated = fc
      .tuple(uiMessage, fc.nat(), fc.nat(), fc.jsonValue({ maxDepth: 1 }), fc.boolean())
      .map(([message, partIndex, keyIndex, replacement, drop]) => {
        const copy = asJson(message) as unknown as { parts: Record<string, unknown>[] }
        const part = copy.parts[partIndex % copy.parts.length] as Record<string, unknown>
        const keys = Object.keys(part)
        const key = keys[keyIndex % keys.length] as string
        if (drop) delete part[key]
        else part[key] = replacement
        return copy
      })
    await fc.assert(
      fc.asyncProperty(mutated, async (message) => {
        if (!UIMessageInput.safeParse(message).success) return
        const result = await safeValidateUIMessages({ messages: [message] })
        expect(result.success, JSON.stringify(message)).toBe(true)
      }),
      { numRuns: 500 },
    )
  })

  it('maps tool parts to chat_tool_calls with provider_executed and moves them forward as the message grows', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await newSession()
    const question: UIMessage = { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Find a hotel in Lisbon' }] }
    const calling: UIMessage = {
      id: 'a1',
      role: 'assistant',
      metadata: { model: 'mock' },
      parts: [
        { type: 'step-start' },
        { type: 'tool-searchHotels', toolCallId: 'call-1', state: 'input-available', input: { city: 'Lisbon' } },
        {
          type: 'dynamic-tool',
          toolName: 'web_search',
          toolCallId: 'call-2',
          state: 'output-available',
          input: { q: 'Lisbon hotels' },
          output: [{ url: 'https://example.test' }],
          providerExecuted: true,
        },
      ],
    }
    await me.chat.messages.saveUIMessages(session.id, [question, calling])
    const done: UIMessage = {
      ...calling,
      parts: [
        { type: 'step-start' },
        {
          type: 'tool-searchHotels',
          toolCallId: 'call-1',
          state: 'output-error',
          input: { city: 'Lisbon' },
          errorText: 'No hotels found',
        },
        calling.parts[2] as UIMessage['parts'][number],
        { type: 'step-start' },
        { type: 'text', text: 'Sorry, I found no hotel.', state: 'done' },
      ],
    }
    const saved = await me.chat.messages.saveUIMessages(session.id, [question, done])
    expect(saved.updated.map((m) => m.id)).toEqual(['a1'])
    expect(saved.unchanged.map((m) => m.id)).toEqual(['u1'])

    const calls = await engine.db
      .selectFrom('chat_tool_calls')
      .select([
        'tool_call_id',
        'tool_name',
        'status',
        'arguments',
        'result',
        'error_message',
        'provider_executed',
        'message_id',
      ])
      .where('session_id', '=', session.id)
      .orderBy('tool_call_id')
      .execute()
    expect(calls).toEqual([
      {
        tool_call_id: 'call-1',
        tool_name: 'searchHotels',
        status: 'failed',
        arguments: { city: 'Lisbon' },
        result: null,
        error_message: 'No hotels found',
        provider_executed: false,
        message_id: saved.updated[0]?.messageId,
      },
      {
        tool_call_id: 'call-2',
        tool_name: 'web_search',
        status: 'completed',
        arguments: { q: 'Lisbon hotels' },
        result: [{ url: 'https://example.test' }],
        error_message: null,
        provider_executed: true,
        message_id: saved.updated[0]?.messageId,
      },
    ])

    // The text of text parts is the searchable content.
    const row = await engine.db
      .selectFrom('chat_messages')
      .select('content')
      .where('session_id', '=', session.id)
      .where('ui_id', '=', 'a1')
      .executeTakeFirstOrThrow()
    expect(row.content).toBe('Sorry, I found no hotel.')

    // A stale copy (the earlier version, e.g. a request that finished late) changes nothing.
    const before = await rowCounts(session.id)
    const stale = await me.chat.messages.saveUIMessages(session.id, [question, calling])
    expect(stale.unchanged.map((m) => m.id)).toEqual(['u1', 'a1'])
    expect(await rowCounts(session.id)).toEqual(before)
    expect(await me.chat.messages.loadUIMessages(session.id)).toEqual(asJson([question, done]))
  })

  it('saving a prefix, the whole history, or the history twice gives the same messages', async () => {
    const me = tripsage.forUser(owner.claims)
    await fc.assert(
      fc.asyncProperty(uiConversation, fc.nat(), async (conversation, cut) => {
        const session = await newSession()
        const prefix = conversation.slice(0, (cut % conversation.length) + 1)
        await me.chat.messages.saveUIMessages(session.id, prefix)
        await me.chat.messages.saveUIMessages(session.id, conversation)
        await me.chat.messages.saveUIMessages(session.id, prefix)
        await me.chat.messages.saveUIMessages(session.id, conversation)
        expect(await me.chat.messages.loadUIMessages(session.id)).toEqual(asJson(conversation))
      }),
      { numRuns: 15 },
    )
  }, 300_000)

  it('pages back with before and limit', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await newSession()
    const conversation = Array.from({ length: 7 }, (_, i) => ({
      id: `m${i}`,
      role: i % 2 ? 'assistant' : 'user',
      parts: [{ type: 'text', text: `message ${i}` }],
    })) as UIMessage[]
    await me.chat.messages.saveUIMessages(session.id, conversation)
    const newest = await me.chat.messages.loadUIMessages(session.id, { limit: 3 })
    expect(newest.map((m) => m.id)).toEqual(['m4', 'm5', 'm6'])
    const older = await me.chat.messages.loadUIMessages(session.id, { before: 'm4', limit: 3 })
    expect(older.map((m) => m.id)).toEqual(['m1', 'm2', 'm3'])
    const oldest = await me.chat.messages.loadUIMessages(session.id, { before: 'm1', limit: 3 })
    expect(oldest.map((m) => m.id)).toEqual(['m0'])
    expect(await me.chat.messages.loadUIMessages(session.id, { before: 'm0' })).toEqual([])
    await expect(me.chat.messages.loadUIMessages(session.id, { before: 'nope' })).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('loads messages appended the old way (role + content + metadata) as UIMessages', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await newSession()
    const [user, assistant] = await me.chat.messages.append(session.id, [
      { role: 'user', content: 'Plan a weekend in Porto' },
      { role: 'assistant', content: '', metadata: { model: 'legacy' } },
    ])
    const loaded = await me.chat.messages.loadUIMessages<UIMessage>(session.id)
    expect(loaded).toEqual([
      { id: user?.id, role: 'user', parts: [{ type: 'text', text: 'Plan a weekend in Porto' }] },
      { id: assistant?.id, role: 'assistant', metadata: { model: 'legacy' }, parts: [{ type: 'text', text: '' }] },
    ])
    await validateUIMessages({ messages: loaded })
  })

  it('reads rows written with triggers off (replica mode) as UI messages, and upserts them by their id', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await newSession()
    const id = '0f0f0f0f-0000-4000-8000-000000000001'
    await engine.db.transaction().execute(async (trx) => {
      // What a logical-replication apply worker or a bulk load does: no triggers fire.
      await sql`set local session_replication_role = replica`.execute(trx)
      await trx
        .insertInto('chat_messages')
        .values({
          id,
          session_id: session.id,
          user_id: owner.id,
          role: 'user',
          content: 'From a replica',
          metadata: { via: 'replica' },
        })
        .execute()
    })
    const replicated: UIMessage = {
      id,
      role: 'user',
      metadata: { via: 'replica' },
      parts: [{ type: 'text', text: 'From a replica' }],
    }
    const loaded = await me.chat.messages.loadUIMessages<UIMessage>(session.id)
    expect(loaded).toEqual([replicated])
    await validateUIMessages({ messages: loaded })
    const next: UIMessage = { id: 'after', role: 'assistant', parts: [{ type: 'text', text: 'Noted.' }] }
    const saved = await me.chat.messages.saveUIMessages(session.id, [replicated, next])
    expect(saved.unchanged.map((m) => m.id)).toEqual([id])
    expect(saved.inserted.map((m) => m.id)).toEqual(['after'])
    expect(await me.chat.messages.loadUIMessages(session.id)).toEqual([replicated, next])
  })

  it('refuses bad input with validation and writes nothing', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await newSession()
    const good: UIMessage = { id: 'ok', role: 'user', parts: [{ type: 'text', text: 'hi' }] }
    const bad = [
      { id: 'x', role: 'user', parts: [] },
      { id: 'x', role: 'robot', parts: [{ type: 'text', text: 'hi' }] },
      { id: '', role: 'user', parts: [{ type: 'text', text: 'hi' }] },
      { id: 'x', role: 'assistant', parts: [{ type: 'tool-search', toolCallId: 'c', state: 'output-error' }] },
      { id: 'x', role: 'assistant', parts: [{ type: 'tool-search', toolCallId: 'c', state: 'flying' }] },
      { id: 'x', role: 'assistant', parts: [{ type: 'bogus' }] },
      { id: 'x', role: 'user', parts: [{ type: 'text', text: 'nul \u0000' }] },
      { id: 'x', role: 'user', parts: [{ type: 'data-weather', data: { t: Number.NaN } }] },
    ]
    for (const message of bad) {
      const error = await me.chat.messages.saveUIMessages(session.id, [good, message as UIMessage]).catch((e) => e)
      expect(errorCode(error), JSON.stringify(message)).toBe('validation')
    }
    const error = await me.chat.messages.saveUIMessages(session.id, [good, good]).catch((e) => e)
    expect(errorCode(error)).toBe('validation')
    expect((await rowCounts(session.id)).messages).toBe(0)
  })

  it('is scoped by RLS: others see nothing, trip collaborators read but cannot write, ended sessions are read-only', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await newSession({ tripId })
    const message: UIMessage = { id: 'r1', role: 'user', parts: [{ type: 'text', text: 'Private plans' }] }
    await me.chat.messages.saveUIMessages(session.id, [message])

    const asStranger = tripsage.forUser(stranger.claims).chat.messages
    expect(errorCode(await asStranger.loadUIMessages(session.id).catch((e) => e))).toBe('not_found')
    expect(errorCode(await asStranger.saveUIMessages(session.id, [message]).catch((e) => e))).toBe('not_found')

    const asCollaborator = tripsage.forUser(collaborator.claims).chat.messages
    expect(await asCollaborator.loadUIMessages(session.id)).toEqual([message])
    const changed = { ...message, parts: [{ type: 'text', text: 'Planted' }, { type: 'step-start' }] } as UIMessage
    expect(errorCode(await asCollaborator.saveUIMessages(session.id, [changed]).catch((e) => e))).toBe('forbidden')

    await me.chat.sessions.end(session.id)
    // Re-saving what is stored is fine; changing it is not.
    expect((await me.chat.messages.saveUIMessages(session.id, [message])).unchanged).toHaveLength(1)
    expect(errorCode(await me.chat.messages.saveUIMessages(session.id, [changed]).catch((e) => e))).toBe('conflict')
    expect(await me.chat.messages.loadUIMessages(session.id)).toEqual([message])
  })

  it('refuses a stored id with another role (conflict, nothing written)', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await newSession()
    await me.chat.messages.saveUIMessages(session.id, [
      { id: 'same', role: 'user', parts: [{ type: 'text', text: 'a' }] },
    ])
    const error = await me.chat.messages
      .saveUIMessages(session.id, [
        { id: 'new', role: 'user', parts: [{ type: 'text', text: 'b' }] },
        { id: 'same', role: 'assistant', parts: [{ type: 'text', text: 'a' }, { type: 'step-start' }] },
      ])
      .catch((e) => e)
    expect(errorCode(error)).toBe('conflict')
    expect((await rowCounts(session.id)).messages).toBe(1)
  })
})

describe('UIMessage generators', () => {
  it('generate parts of every type', () => {
    // The generators are what the round trip proves; make sure none of them is dead.
    const types = new Set(
      fc
        .sample(uiMessagePart, 2000)
        .map((p) => (p.type.startsWith('tool-') ? 'tool-*' : p.type.startsWith('data-') ? 'data-*' : p.type)),
    )
    expect([...types].sort()).toEqual(
      [
        'custom',
        'data-*',
        'dynamic-tool',
        'file',
        'reasoning',
        'reasoning-file',
        'source-document',
        'source-url',
        'steering-message',
        'step-start',
        'text',
        'tool-*',
      ].sort(),
    )
  })
})
