import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type TripSage } from '../client.js'
import { TripSageError } from '../errors.js'
import { sessionTopic, tripTopic, userTopic } from './topics.js'

// Supabase Realtime authorizes a private channel join by running a query on realtime.messages as
// the user, with realtime.topic() set to the channel's topic: SELECT decides receiving broadcasts
// and presence, INSERT decides sending them. These tests ask the same two questions.

let database: TestDatabase
let tripsage: TripSage
const users = {} as Record<'owner' | 'admin' | 'editor' | 'viewer' | 'stranger', TestUser>
let tripId: string
let linkedSessionId: string
let privateSessionId: string

type Extension = 'broadcast' | 'presence'

/** Can `user` receive `extension` messages on `topic`? */
async function canReceive(user: TestUser, topic: string, extension: Extension): Promise<boolean> {
  return tripsage.forUser(user.claims).transaction(async ({ db }) => {
    await sql`select set_config('realtime.topic', ${topic}, true)`.execute(db)
    const { rows } = await sql<{ n: number }>`
      select count(*)::integer as n from realtime.messages where topic = ${topic} and extension = ${extension}
    `.execute(db)
    return (rows[0]?.n ?? 0) > 0
  })
}

const rollback = Symbol('rollback')

/** Can `user` send `extension` messages on `topic`? (The probe row is rolled back.) */
async function canSend(user: TestUser, topic: string, extension: Extension): Promise<boolean> {
  try {
    await tripsage.forUser(user.claims).transaction(async ({ db }) => {
      await sql`select set_config('realtime.topic', ${topic}, true)`.execute(db)
      await sql`insert into realtime.messages (topic, extension, event, payload, private)
                values (${topic}, ${extension}, 'typing', '{}'::jsonb, true)`.execute(db)
      throw rollback
    })
  } catch (error) {
    if (error === rollback) return true
    // RLS refused the insert: transaction() reports it as a typed forbidden error (SQLSTATE kept).
    if (TripSageError.isInstance(error) && error.code === 'forbidden' && error.details?.sqlState === '42501')
      return false
    throw error
  }
  throw new Error('unreachable')
}

beforeAll(async () => {
  database = await createTestDatabase()
  tripsage = createTripSage({ db: database.db })
  for (const name of ['owner', 'admin', 'editor', 'viewer', 'stranger'] as const) {
    users[name] = await createTestUser(database.db)
  }
  const trip = await database.db
    .insertInto('trips')
    .values({
      user_id: users.owner.id,
      name: 'Seoul',
      destination: 'Seoul, KR',
      start_date: '2027-10-01',
      end_date: '2027-10-05',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  tripId = trip.id
  await database.db
    .insertInto('trip_collaborators')
    .values([
      { trip_id: tripId, user_id: users.admin.id, role: 'admin' },
      { trip_id: tripId, user_id: users.editor.id, role: 'editor' },
      { trip_id: tripId, user_id: users.viewer.id, role: 'viewer' },
    ])
    .execute()
  const me = tripsage.forUser(users.owner.claims)
  linkedSessionId = (await me.chat.sessions.create({ tripId })).id
  privateSessionId = (await me.chat.sessions.create()).id
  // Probe rows on every topic, as superuser, so a permitted SELECT has something to see.
  const topics = [
    tripTopic(tripId),
    sessionTopic(linkedSessionId),
    sessionTopic(privateSessionId),
    ...Object.values(users).map((u) => userTopic(u.id)),
    `session:${linkedSessionId.toUpperCase()}`,
    'session:not-a-uuid',
  ]
  for (const topic of topics) {
    for (const extension of ['broadcast', 'presence']) {
      await sql`insert into realtime.messages (topic, extension, event, payload, private)
                values (${topic}, ${extension}, 'probe', '{}'::jsonb, true)`.execute(database.db)
    }
  }
})

afterAll(() => database.close())

type Who = keyof typeof users

const matrix: [string, () => string, Who[]][] = [
  ['trip:{id}', () => tripTopic(tripId), ['owner', 'admin', 'editor', 'viewer']],
  [
    'session:{id} of a trip-linked session',
    () => sessionTopic(linkedSessionId),
    ['owner', 'admin', 'editor', 'viewer'],
  ],
  ['session:{id} of an unlinked session', () => sessionTopic(privateSessionId), ['owner']],
  ['user:{owner}', () => userTopic(users.owner.id), ['owner']],
  ['user:{viewer}', () => userTopic(users.viewer.id), ['viewer']],
  ['session:{ID} in upper case', () => `session:${linkedSessionId.toUpperCase()}`, []],
  ['session:{not a uuid}', () => 'session:not-a-uuid', []],
]

describe.each(matrix)('realtime.messages policies on %s', (_label, topic, members) => {
  it.each(['owner', 'admin', 'editor', 'viewer', 'stranger'] as Who[])('%s', async (who) => {
    const expected = members.includes(who)
    for (const extension of ['broadcast', 'presence'] as const) {
      expect(await canReceive(users[who], topic(), extension), `receive ${extension}`).toBe(expected)
      expect(await canSend(users[who], topic(), extension), `send ${extension}`).toBe(expected)
    }
  })
})

describe('realtime.messages policies', () => {
  it('follow membership: a removed collaborator loses the trip and its sessions', async () => {
    const leaver = await createTestUser(database.db)
    await database.db.insertInto('trip_collaborators').values({ trip_id: tripId, user_id: leaver.id }).execute()
    expect(await canReceive(leaver, sessionTopic(linkedSessionId), 'broadcast')).toBe(true)
    await database.db.deleteFrom('trip_collaborators').where('user_id', '=', leaver.id).execute()
    expect(await canReceive(leaver, sessionTopic(linkedSessionId), 'broadcast')).toBe(false)
    expect(await canReceive(leaver, tripTopic(tripId), 'broadcast')).toBe(false)
  })

  it('give nothing on other extensions (e.g. postgres_changes)', async () => {
    await sql`insert into realtime.messages (topic, extension, event, payload, private)
              values (${tripTopic(tripId)}, 'postgres_changes', 'probe', '{}'::jsonb, true)`.execute(database.db)
    const seen = await tripsage.forUser(users.owner.claims).transaction(async ({ db }) => {
      await sql`select set_config('realtime.topic', ${tripTopic(tripId)}, true)`.execute(db)
      const { rows } = await sql<{ n: number }>`
        select count(*)::integer as n from realtime.messages where extension = 'postgres_changes'
      `.execute(db)
      return rows[0]?.n
    })
    expect(seen).toBe(0)
  })
})
