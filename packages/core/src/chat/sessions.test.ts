import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type TripSage } from '../client.js'

let database: TestDatabase
let tripsage: TripSage
let owner: TestUser
let admin: TestUser
let editor: TestUser
let viewer: TestUser
let stranger: TestUser
let tripId: string
let strangersTripId: string

/** A trip owned by `userId`, inserted as superuser (trips are another repository's business). */
async function insertTrip(userId: string): Promise<string> {
  const trip = await database.db
    .insertInto('trips')
    .values({
      user_id: userId,
      name: 'Lisbon',
      destination: 'Lisbon, PT',
      start_date: '2027-05-01',
      end_date: '2027-05-07',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return trip.id
}

beforeAll(async () => {
  database = await createTestDatabase()
  tripsage = createTripSage({ db: database.db })
  ;[owner, admin, editor, viewer, stranger] = (await Promise.all(
    Array.from({ length: 5 }, () => createTestUser(database.db)),
  )) as [TestUser, TestUser, TestUser, TestUser, TestUser]
  tripId = await insertTrip(owner.id)
  strangersTripId = await insertTrip(stranger.id)
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

describe('me.chat.sessions.create', () => {
  it('creates an unlinked session owned by the user', async () => {
    const session = await tripsage.forUser(owner.claims).chat.sessions.create()
    expect(session).toMatchObject({ userId: owner.id, tripId: null, title: null, metadata: {}, endedAt: null })
    expect(session.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/)
  })

  it('links a session to a trip the user owns, with title and metadata', async () => {
    const session = await tripsage
      .forUser(owner.claims)
      .chat.sessions.create({ tripId, title: 'Planning', metadata: { model: 'gpt', tags: ['a'] } })
    expect(session).toMatchObject({ tripId, title: 'Planning', metadata: { model: 'gpt', tags: ['a'] } })
  })

  it.each([
    ['admin', () => admin],
    ['editor', () => editor],
    ['viewer', () => viewer],
  ])('lets a trip %s link their own session to the trip', async (_role, who) => {
    const user = who()
    const session = await tripsage.forUser(user.claims).chat.sessions.create({ tripId })
    expect(session).toMatchObject({ userId: user.id, tripId })
  })

  it('refuses a trip the user cannot access as not_found, and writes nothing', async () => {
    const me = tripsage.forUser(owner.claims)
    const before = await database.db.selectFrom('chat_sessions').select('id').execute()
    await expect(me.chat.sessions.create({ tripId: strangersTripId })).rejects.toMatchObject({ code: 'not_found' })
    await expect(me.chat.sessions.create({ tripId: crypto.randomUUID() })).rejects.toMatchObject({ code: 'not_found' })
    const after = await database.db.selectFrom('chat_sessions').select('id').execute()
    expect(after.length).toBe(before.length)
  })

  it('refuses protected and unknown keys (mass assignment) with validation', async () => {
    const me = tripsage.forUser(owner.claims)
    await expect(me.chat.sessions.create({ userId: stranger.id } as never)).rejects.toMatchObject({
      code: 'validation',
    })
    await expect(me.chat.sessions.create({ endedAt: new Date().toISOString() } as never)).rejects.toMatchObject({
      code: 'validation',
    })
  })
})

describe('me.chat.sessions.get / find', () => {
  it('returns the session to its owner and to every collaborator of the linked trip', async () => {
    const session = await tripsage.forUser(owner.claims).chat.sessions.create({ tripId })
    for (const user of [owner, admin, editor, viewer]) {
      expect(await tripsage.forUser(user.claims).chat.sessions.get(session.id)).toEqual(session)
    }
  })

  it('hides an unlinked session from collaborators and a linked one from strangers', async () => {
    const unlinked = await tripsage.forUser(owner.claims).chat.sessions.create()
    const linked = await tripsage.forUser(owner.claims).chat.sessions.create({ tripId })
    await expect(tripsage.forUser(viewer.claims).chat.sessions.get(unlinked.id)).rejects.toMatchObject({
      code: 'not_found',
    })
    expect(await tripsage.forUser(stranger.claims).chat.sessions.find(linked.id)).toBeNull()
    expect(await tripsage.forUser(stranger.claims).chat.sessions.find(crypto.randomUUID())).toBeNull()
  })

  it('refuses a malformed id with validation', async () => {
    await expect(tripsage.forUser(owner.claims).chat.sessions.get('nope')).rejects.toMatchObject({ code: 'validation' })
  })
})

describe('me.chat.sessions.list', () => {
  it('pages the user’s own sessions newest first without repeats or gaps', async () => {
    const user = await createTestUser(database.db)
    const me = tripsage.forUser(user.claims)
    // Several in one transaction share created_at: the id breaks the tie.
    const created = await me.transaction(async (tx) => {
      const out = []
      for (let i = 0; i < 5; i++) out.push(await tx.chat.sessions.create({ title: `s${i}` }))
      return out
    })
    for (let i = 0; i < 2; i++) created.push(await me.chat.sessions.create({ title: `t${i}` }))
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = await me.chat.sessions.list({ limit: 3, ...(cursor ? { cursor } : {}) })
      expect(page.items.length).toBeLessThanOrEqual(3)
      seen.push(...page.items.map((s) => s.id))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen.sort()).toEqual(created.map((s) => s.id).sort())
    const all = await me.chat.sessions.list({ limit: 100 })
    const times = all.items.map((s) => s.createdAt)
    expect([...times].sort().reverse()).toEqual(times)
  })

  it('lists a trip’s sessions (anyone’s) for its members, and nothing for a stranger', async () => {
    const otherTrip = await insertTrip(owner.id)
    await database.db.insertInto('trip_collaborators').values({ trip_id: otherTrip, user_id: viewer.id }).execute()
    const a = await tripsage.forUser(owner.claims).chat.sessions.create({ tripId: otherTrip })
    const b = await tripsage.forUser(viewer.claims).chat.sessions.create({ tripId: otherTrip })
    for (const user of [owner, viewer]) {
      const page = await tripsage.forUser(user.claims).chat.sessions.list({ tripId: otherTrip })
      expect(page.items.map((s) => s.id)).toEqual([b.id, a.id])
      expect(page.nextCursor).toBeNull()
    }
    const none = await tripsage.forUser(stranger.claims).chat.sessions.list({ tripId: otherTrip })
    expect(none).toEqual({ items: [], nextCursor: null })
    // Without tripId a user lists only their own sessions, not the trip's.
    const own = await tripsage.forUser(viewer.claims).chat.sessions.list({ limit: 100 })
    expect(own.items.every((s) => s.userId === viewer.id)).toBe(true)
  })

  it('refuses malformed cursors and limits with validation', async () => {
    const me = tripsage.forUser(owner.claims)
    await expect(me.chat.sessions.list({ cursor: 'garbage' })).rejects.toMatchObject({ code: 'validation' })
    await expect(me.chat.sessions.list({ cursor: btoa('["x","y"]') })).rejects.toMatchObject({ code: 'validation' })
    await expect(me.chat.sessions.list({ limit: 0 })).rejects.toMatchObject({ code: 'validation' })
    await expect(me.chat.sessions.list({ limit: 101 })).rejects.toMatchObject({ code: 'validation' })
  })
})

describe('me.chat.sessions.end', () => {
  it('sets endedAt, and ending again returns the session unchanged (idempotent)', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create({ tripId })
    const ended = await me.chat.sessions.end(session.id)
    expect(ended.endedAt).not.toBeNull()
    expect(await me.chat.sessions.end(session.id)).toEqual(ended)
  })

  it('is forbidden for collaborators who can read the session and not_found for strangers', async () => {
    const session = await tripsage.forUser(owner.claims).chat.sessions.create({ tripId })
    for (const user of [admin, editor, viewer]) {
      await expect(tripsage.forUser(user.claims).chat.sessions.end(session.id)).rejects.toMatchObject({
        code: 'forbidden',
      })
    }
    await expect(tripsage.forUser(stranger.claims).chat.sessions.end(session.id)).rejects.toMatchObject({
      code: 'not_found',
    })
    await expect(tripsage.forUser(owner.claims).chat.sessions.end(crypto.randomUUID())).rejects.toMatchObject({
      code: 'not_found',
    })
    expect((await tripsage.forUser(owner.claims).chat.sessions.get(session.id)).endedAt).toBeNull()
  })
})
