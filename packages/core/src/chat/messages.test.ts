import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type TripSage } from '../client.js'
import type { ChatMessage, ChatMessageInput } from './schema.js'

let database: TestDatabase
let tripsage: TripSage
let owner: TestUser
let admin: TestUser
let editor: TestUser
let viewer: TestUser
let stranger: TestUser
let tripId: string

beforeAll(async () => {
  database = await createTestDatabase()
  tripsage = createTripSage({ db: database.db })
  ;[owner, admin, editor, viewer, stranger] = (await Promise.all(
    Array.from({ length: 5 }, () => createTestUser(database.db)),
  )) as [TestUser, TestUser, TestUser, TestUser, TestUser]
  const trip = await database.db
    .insertInto('trips')
    .values({
      user_id: owner.id,
      name: 'Kyoto',
      destination: 'Kyoto, JP',
      start_date: '2027-04-01',
      end_date: '2027-04-09',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  tripId = trip.id
  await database.db
    .insertInto('trip_collaborators')
    .values([
      { trip_id: tripId, user_id: admin.id, role: 'admin' },
      { trip_id: tripId, user_id: editor.id, role: 'editor' },
      { trip_id: tripId, user_id: viewer.id, role: 'viewer' },
    ])
    .execute()
})

afterAll(() => database.close())

async function messageCount(sessionId: string): Promise<number> {
  const row = await database.db
    .selectFrom('chat_messages')
    .select(sql<number>`count(*)::integer`.as('n'))
    .where('session_id', '=', sessionId)
    .executeTakeFirstOrThrow()
  return row.n
}

/** Every page of a history, following cursors. */
async function allPages(user: TestUser, sessionId: string, order: 'newest' | 'oldest', limit: number) {
  const me = tripsage.forUser(user.claims)
  const items: ChatMessage[] = []
  let cursor: string | undefined
  do {
    const page = await me.chat.messages.history(sessionId, { order, limit, ...(cursor ? { cursor } : {}) })
    items.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return items
}

describe('me.chat.messages.append', () => {
  it('appends one message and returns it typed', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create()
    const message = await me.chat.messages.append(session.id, { role: 'user', content: 'Find me a ryokan' })
    expect(message).toMatchObject({
      sessionId: session.id,
      userId: owner.id,
      role: 'user',
      content: 'Find me a ryokan',
    })
    expect(message.metadata).toEqual({})
    expect(typeof message.seq).toBe('number')
  })

  it('appends a batch of 100 in one statement, with seq in array order', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create()
    const roles = ['user', 'assistant', 'system', 'tool'] as const
    const batch: ChatMessageInput[] = Array.from({ length: 100 }, (_, i) => ({
      role: roles[i % 4] as (typeof roles)[number],
      content: `message ${i}`,
      metadata: { i },
    }))
    const appended = await me.chat.messages.append(session.id, batch)
    expect(appended.map((m) => m.content)).toEqual(batch.map((m) => m.content))
    const seqs = appended.map((m) => m.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    expect(new Set(seqs).size).toBe(100)
    const history = await allPages(owner, session.id, 'oldest', 100)
    expect(history.map((m) => m.content)).toEqual(batch.map((m) => m.content))
  })

  it('accepts content of exactly 32 768 characters counted as code points (emoji included)', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create()
    const emoji = '🧳'.repeat(32_768) // 65 536 UTF-16 units, 32 768 characters
    const message = await me.chat.messages.append(session.id, { role: 'assistant', content: emoji })
    expect(message.content).toBe(emoji)
    await expect(
      me.chat.messages.append(session.id, { role: 'assistant', content: `${emoji}x` }),
    ).rejects.toMatchObject({ code: 'validation' })
  })

  it('stores metadata exactly as given, "__proto__" keys included', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create()
    const metadata = JSON.parse('{"__proto__": {"x": 1}, "usage": {"tokens": 12}, "tags": ["a", null]}')
    await me.chat.messages.append(session.id, { role: 'assistant', content: 'ok', metadata })
    const [stored] = (await me.chat.messages.history(session.id)).items
    expect(JSON.parse(JSON.stringify(stored?.metadata))).toEqual(JSON.parse(JSON.stringify(metadata)))
    expect(Object.keys(stored?.metadata ?? {}).sort()).toEqual(['__proto__', 'tags', 'usage'])
  })

  it('writes none of a batch when one message is invalid', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create()
    await expect(
      me.chat.messages.append(session.id, [
        { role: 'user', content: 'fine' },
        { role: 'robot' as never, content: 'not a role' },
      ]),
    ).rejects.toMatchObject({
      code: 'validation',
      details: { issues: [expect.objectContaining({ path: 'messages.1.role' })] },
    })
    expect(await messageCount(session.id)).toBe(0)
  })

  it('keeps the SQL checks as the last line (role and length)', async () => {
    const session = await tripsage.forUser(owner.claims).chat.sessions.create()
    const base = { session_id: session.id, user_id: owner.id }
    await expect(
      database.db
        .insertInto('chat_messages')
        .values({ ...base, role: 'robot', content: 'x' })
        .execute(),
    ).rejects.toMatchObject({ code: '23514' })
    await expect(
      database.db
        .insertInto('chat_messages')
        .values({ ...base, role: 'user', content: 'x'.repeat(32_769) })
        .execute(),
    ).rejects.toMatchObject({ code: '23514' })
  })

  it('is forbidden for collaborators who can read the session and not_found for strangers; nothing is written', async () => {
    const session = await tripsage.forUser(owner.claims).chat.sessions.create({ tripId })
    for (const user of [admin, editor, viewer]) {
      await expect(
        tripsage.forUser(user.claims).chat.messages.append(session.id, { role: 'user', content: 'hi' }),
      ).rejects.toMatchObject({ code: 'forbidden' })
    }
    await expect(
      tripsage.forUser(stranger.claims).chat.messages.append(session.id, [{ role: 'user', content: 'hi' }]),
    ).rejects.toMatchObject({ code: 'not_found' })
    await expect(
      tripsage.forUser(owner.claims).chat.messages.append(crypto.randomUUID(), { role: 'user', content: 'hi' }),
    ).rejects.toMatchObject({ code: 'not_found' })
    expect(await messageCount(session.id)).toBe(0)
  })

  it('is a conflict once the session has ended', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create({ tripId })
    await me.chat.messages.append(session.id, { role: 'user', content: 'before' })
    await me.chat.sessions.end(session.id)
    await expect(me.chat.messages.append(session.id, { role: 'user', content: 'after' })).rejects.toMatchObject({
      code: 'conflict',
    })
    // A collaborator still gets forbidden (not a hint about the session's state).
    await expect(
      tripsage.forUser(viewer.claims).chat.messages.append(session.id, { role: 'user', content: 'after' }),
    ).rejects.toMatchObject({ code: 'forbidden' })
    expect(await messageCount(session.id)).toBe(1)
  })

  it('rolls back with the surrounding transaction', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create()
    await expect(
      me.transaction(async (tx) => {
        await tx.chat.messages.append(session.id, { role: 'user', content: 'one' })
        await tx.chat.messages.append(crypto.randomUUID(), { role: 'user', content: 'two' })
      }),
    ).rejects.toMatchObject({ code: 'not_found' })
    expect(await messageCount(session.id)).toBe(0)
  })
})

describe('me.chat.messages.history', () => {
  let sessionId: string
  let contents: string[]

  beforeAll(async () => {
    const me = tripsage.forUser(owner.claims)
    sessionId = (await me.chat.sessions.create({ tripId })).id
    contents = Array.from({ length: 23 }, (_, i) => `m${i}`)
    await me.chat.messages.append(
      sessionId,
      contents.map((content) => ({ role: 'user' as const, content })),
    )
  })

  it('pages newest first by default, and oldest first on request, covering every message once', async () => {
    const newest = await allPages(owner, sessionId, 'newest', 5)
    expect(newest.map((m) => m.content)).toEqual([...contents].reverse())
    const oldest = await allPages(owner, sessionId, 'oldest', 7)
    expect(oldest.map((m) => m.content)).toEqual(contents)
    const first = await tripsage.forUser(owner.claims).chat.messages.history(sessionId)
    expect(first.items).toHaveLength(20)
    expect(first.items[0]?.content).toBe('m22')
  })

  it('ends with a null cursor exactly at the end', async () => {
    const me = tripsage.forUser(owner.claims)
    const full = await me.chat.messages.history(sessionId, { limit: 23 })
    expect(full.items).toHaveLength(23)
    expect(full.nextCursor).toBeNull()
    const partial = await me.chat.messages.history(sessionId, { limit: 22 })
    expect(partial.nextCursor).not.toBeNull()
  })

  it.each([
    ['admin', () => admin],
    ['editor', () => editor],
    ['viewer', () => viewer],
  ])('lets a trip %s read the linked session', async (_role, who) => {
    const items = await allPages(who(), sessionId, 'oldest', 50)
    expect(items.map((m) => m.content)).toEqual(contents)
  })

  it('is not_found for strangers and for unknown sessions, and an empty page for an empty session', async () => {
    await expect(tripsage.forUser(stranger.claims).chat.messages.history(sessionId)).rejects.toMatchObject({
      code: 'not_found',
    })
    await expect(tripsage.forUser(owner.claims).chat.messages.history(crypto.randomUUID())).rejects.toMatchObject({
      code: 'not_found',
    })
    const empty = await tripsage.forUser(owner.claims).chat.sessions.create()
    expect(await tripsage.forUser(owner.claims).chat.messages.history(empty.id)).toEqual({
      items: [],
      nextCursor: null,
    })
  })

  it('refuses a cursor of the other order, malformed cursors and bad options with validation', async () => {
    const me = tripsage.forUser(owner.claims)
    const page = await me.chat.messages.history(sessionId, { limit: 2 })
    const cursor = page.nextCursor as string
    await expect(me.chat.messages.history(sessionId, { cursor, order: 'oldest' })).rejects.toMatchObject({
      code: 'validation',
    })
    for (const bad of [
      { cursor: '!!' },
      { cursor: btoa('["newest",-1]') },
      { order: 'sideways' },
      { limit: 1.5 },
      { before: 3 },
    ]) {
      await expect(me.chat.messages.history(sessionId, bad as never)).rejects.toMatchObject({ code: 'validation' })
    }
  })

  it('never repeats or skips a message while messages are appended between and during page reads', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create()
    const initial = await me.chat.messages.append(
      session.id,
      Array.from({ length: 30 }, (_, i) => ({ role: 'user' as const, content: `initial ${i}` })),
    )
    const appended: ChatMessage[] = []
    const append = async (i: number) => {
      appended.push(
        ...(await me.chat.messages.append(session.id, [
          { role: 'assistant', content: `late ${i}a` },
          { role: 'tool', content: `late ${i}b` },
        ])),
      )
    }

    // Newest first: messages appended meanwhile land above the first page and never shift it.
    const newest: ChatMessage[] = []
    let cursor: string | undefined
    let round = 0
    do {
      const reading = me.chat.messages.history(session.id, { limit: 4, ...(cursor ? { cursor } : {}) })
      await Promise.all([reading, append(round++)])
      const page = await reading
      newest.push(...page.items)
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    const newestSeqs = newest.map((m) => m.seq)
    expect(new Set(newestSeqs).size).toBe(newestSeqs.length)
    expect(newestSeqs).toEqual([...newestSeqs].sort((a, b) => b - a))
    for (const m of initial) expect(newestSeqs).toContain(m.seq)

    // Oldest first: messages appended meanwhile are picked up at the end, in order.
    const oldest: ChatMessage[] = []
    cursor = undefined
    do {
      const reading = me.chat.messages.history(session.id, { order: 'oldest', limit: 4, ...(cursor ? { cursor } : {}) })
      await Promise.all([reading, round < 40 ? append(round++) : undefined])
      const page = await reading
      oldest.push(...page.items)
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    // A prefix of everything written, in order: nothing repeated or skipped. Only the batch
    // appended alongside the last page may land after it (the last page has no cursor to resume).
    const everything = [...initial, ...appended].map((m) => m.seq).sort((a, b) => a - b)
    expect(oldest.map((m) => m.seq)).toEqual(everything.slice(0, oldest.length))
    expect(oldest.length).toBeGreaterThanOrEqual(everything.length - 2)
  })
})

describe('me.chat.messages.count', () => {
  it('counts a session’s messages for every member and is not_found for strangers', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create({ tripId })
    expect(await me.chat.messages.count(session.id)).toBe(0)
    await me.chat.messages.append(session.id, [
      { role: 'system', content: 'You plan trips.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: '' },
    ])
    for (const user of [owner, admin, editor, viewer]) {
      expect(await tripsage.forUser(user.claims).chat.messages.count(session.id)).toBe(3)
    }
    await expect(tripsage.forUser(stranger.claims).chat.messages.count(session.id)).rejects.toMatchObject({
      code: 'not_found',
    })
    await expect(me.chat.messages.count('not-a-uuid')).rejects.toMatchObject({ code: 'validation' })
  })
})
