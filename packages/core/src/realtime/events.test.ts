import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTripSage, type TripSage } from '../client.js'
import { parseRealtimeEvent, type RealtimeEvent, realtimeTopicEvents } from './events.js'
import { parseRealtimeTopic, sessionTopic, tripTopic, userTopic } from './topics.js'

let database: TestDatabase
let tripsage: TripSage
let owner: TestUser
let friend: TestUser

beforeAll(async () => {
  database = await createTestDatabase()
  tripsage = createTripSage({ db: database.db })
  owner = await createTestUser(database.db)
  friend = await createTestUser(database.db)
})

afterAll(() => database.close())

beforeEach(async () => {
  await sql`delete from realtime.messages`.execute(database.db)
})

/**
 * What was broadcast to `topic`, in order (by writing transaction, then row position within it:
 * `inserted_at` has only millisecond resolution on PGlite), parsed with the SDK's event schemas (a payload that
 * does not match its schema fails the parse). Also checks that every row was a private broadcast
 * of an event that belongs on that kind of topic.
 */
async function broadcasts(topic: string): Promise<RealtimeEvent[]> {
  const { rows } = await sql<{ event: string; payload: unknown; extension: string; private: boolean }>`
    select event, payload, extension, private from realtime.messages where topic = ${topic}
    order by xmin::text::bigint, ctid
  `.execute(database.db)
  const kind = parseRealtimeTopic(topic).kind
  return rows.map((row) => {
    expect(row).toMatchObject({ extension: 'broadcast', private: true })
    expect(realtimeTopicEvents[kind]).toContain(row.event)
    return parseRealtimeEvent({ event: row.event, payload: row.payload })
  })
}

async function insertTrip(userId: string): Promise<string> {
  const trip = await database.db
    .insertInto('trips')
    .values({
      user_id: userId,
      name: 'Tokyo',
      destination: 'Tokyo, JP',
      start_date: '2027-03-01',
      end_date: '2027-03-09',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return trip.id
}

describe('chat broadcasts on session:{id}', () => {
  it('message.created per appended message, with role and seq but no content', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create()
    const messages = await me.chat.messages.append(session.id, [
      { role: 'user', content: 'secret plans' },
      { role: 'assistant', content: 'more secrets' },
    ])
    const events = await broadcasts(sessionTopic(session.id))
    expect(events).toHaveLength(2)
    const sorted = [...events].sort((a, b) =>
      a.event === 'message.created' && b.event === 'message.created' ? a.payload.seq - b.payload.seq : 0,
    )
    expect(sorted.map((e) => e.payload)).toEqual(
      messages.map((m) => ({
        sessionId: session.id,
        id: m.id,
        role: m.role,
        seq: m.seq,
        createdAt: expect.any(String),
      })),
    )
    const raw = await sql<{ payload: string }>`select payload::text from realtime.messages`.execute(database.db)
    expect(raw.rows.map((r) => r.payload).join()).not.toContain('secret')
  })

  it('toolCall.updated on record and on every status change; session.ended once', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create()
    const call = await me.chat.toolCalls.record(session.id, { toolName: 'search_hotels', arguments: { city: 'x' } })
    await me.chat.toolCalls.start(call.id)
    await me.chat.toolCalls.complete(call.id, { hotels: [] })
    await me.chat.sessions.end(session.id)
    await me.chat.sessions.end(session.id)
    const events = await broadcasts(sessionTopic(session.id))
    expect(events.map((e) => [e.event, 'status' in e.payload ? e.payload.status : null])).toEqual([
      ['toolCall.updated', 'pending'],
      ['toolCall.updated', 'running'],
      ['toolCall.updated', 'completed'],
      ['session.ended', null],
    ])
    expect(events[0]?.payload).toMatchObject({ sessionId: session.id, id: call.id, toolName: 'search_hotels' })
  })

  it('broadcasts nothing for a write that rolls back or is refused', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create()
    await expect(
      me.transaction(async (tx) => {
        await tx.chat.messages.append(session.id, { role: 'user', content: 'never sent' })
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    await expect(
      tripsage.forUser(friend.claims).chat.messages.append(session.id, { role: 'user', content: 'x' }),
    ).rejects.toMatchObject({ code: 'not_found' })
    expect(await broadcasts(sessionTopic(session.id))).toEqual([])
  })
})

describe('trip broadcasts on trip:{id} and user:{id}', () => {
  it('trip.updated, then trip.deleted with no item noise from the cascade', async () => {
    const tripId = await insertTrip(owner.id)
    await database.db
      .insertInto('flights')
      .values({ trip_id: tripId, origin: 'LIS', destination: 'HND', departure_date: '2027-03-01', price: 900 })
      .execute()
    await database.db.updateTable('trips').set({ status: 'booked' }).where('id', '=', tripId).execute()
    await database.db.deleteFrom('trips').where('id', '=', tripId).execute()
    const events = await broadcasts(tripTopic(tripId))
    expect(events.map((e) => e.event)).toEqual(['tripItem.changed', 'trip.updated', 'trip.deleted'])
    expect(events[1]?.payload).toMatchObject({ tripId })
    expect(events[2]?.payload).toEqual({ tripId })
  })

  it('tripItem.changed for each kind of item and each operation', async () => {
    const tripId = await insertTrip(owner.id)
    const flight = await database.db
      .insertInto('flights')
      .values({ trip_id: tripId, origin: 'LIS', destination: 'HND', departure_date: '2027-03-01', price: 900 })
      .returning('id')
      .executeTakeFirstOrThrow()
    const stay = await database.db
      .insertInto('accommodations')
      .values({
        trip_id: tripId,
        name: 'Ryokan',
        check_in_date: '2027-03-01',
        check_out_date: '2027-03-03',
        price_per_night: 120,
        total_price: 240,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const ride = await database.db
      .insertInto('transportation')
      .values({ trip_id: tripId, kind: 'train', departure_time: '2027-03-02T09:00:00Z' })
      .returning('id')
      .executeTakeFirstOrThrow()
    const item = await database.db
      .insertInto('itinerary_items')
      .values({ trip_id: tripId, title: 'Tsukiji', flight_id: flight.id })
      .returning('id')
      .executeTakeFirstOrThrow()
    await database.db.updateTable('accommodations').set({ name: 'Hotel' }).where('id', '=', stay.id).execute()
    // Deleting the flight also clears the itinerary item's reference (ON DELETE SET NULL): an update.
    await database.db.deleteFrom('flights').where('id', '=', flight.id).execute()
    const events = await broadcasts(tripTopic(tripId))
    expect(events.map((e) => e.payload)).toEqual([
      { tripId, kind: 'flight', id: flight.id, op: 'created' },
      { tripId, kind: 'accommodation', id: stay.id, op: 'created' },
      { tripId, kind: 'transportation', id: ride.id, op: 'created' },
      { tripId, kind: 'itinerary_item', id: item.id, op: 'created' },
      { tripId, kind: 'accommodation', id: stay.id, op: 'updated' },
      { tripId, kind: 'flight', id: flight.id, op: 'deleted' },
      { tripId, kind: 'itinerary_item', id: item.id, op: 'updated' },
    ])
  })

  it('an item moved to another trip is deleted on the old topic and created on the new one', async () => {
    const from = await insertTrip(owner.id)
    const to = await insertTrip(owner.id)
    const item = await database.db
      .insertInto('itinerary_items')
      .values({ trip_id: from, title: 'Museum' })
      .returning('id')
      .executeTakeFirstOrThrow()
    await sql`delete from realtime.messages`.execute(database.db)
    await database.db.updateTable('itinerary_items').set({ trip_id: to }).where('id', '=', item.id).execute()
    expect((await broadcasts(tripTopic(from))).map((e) => e.payload)).toEqual([
      { tripId: from, kind: 'itinerary_item', id: item.id, op: 'deleted' },
    ])
    expect((await broadcasts(tripTopic(to))).map((e) => e.payload)).toEqual([
      { tripId: to, kind: 'itinerary_item', id: item.id, op: 'created' },
    ])
  })

  it('collaborator.changed on the trip and on the collaborator’s own topic', async () => {
    const tripId = await insertTrip(owner.id)
    await database.db
      .insertInto('trip_collaborators')
      .values({ trip_id: tripId, user_id: friend.id, role: 'viewer' })
      .execute()
    await database.db
      .updateTable('trip_collaborators')
      .set({ role: 'editor' })
      .where('trip_id', '=', tripId)
      .where('user_id', '=', friend.id)
      .execute()
    await database.db.deleteFrom('trip_collaborators').where('trip_id', '=', tripId).execute()
    const expected = [
      { tripId, userId: friend.id, role: 'viewer', op: 'added' },
      { tripId, userId: friend.id, role: 'editor', op: 'updated' },
      { tripId, userId: friend.id, role: null, op: 'removed' },
    ]
    expect((await broadcasts(tripTopic(tripId))).map((e) => e.payload)).toEqual(expected)
    expect((await broadcasts(userTopic(friend.id))).map((e) => e.payload)).toEqual(expected)
  })

  it('tells collaborators on their own topic when the whole trip is deleted', async () => {
    const tripId = await insertTrip(owner.id)
    await database.db
      .insertInto('trip_collaborators')
      .values({ trip_id: tripId, user_id: friend.id, role: 'admin' })
      .execute()
    await sql`delete from realtime.messages`.execute(database.db)
    await database.db.deleteFrom('trips').where('id', '=', tripId).execute()
    expect((await broadcasts(tripTopic(tripId))).map((e) => e.event)).toEqual(['trip.deleted'])
    expect((await broadcasts(userTopic(friend.id))).map((e) => e.payload)).toEqual([
      { tripId, userId: friend.id, role: null, op: 'removed' },
    ])
  })
})

describe('parseRealtimeEvent', () => {
  it('types the payload by event name and refuses unknown events and bad payloads', () => {
    const event = parseRealtimeEvent({
      type: 'broadcast',
      event: 'session.ended',
      payload: { sessionId: crypto.randomUUID(), endedAt: '2027-01-01T00:00:00.123+00:00', later: 'ignored' },
    })
    expect(event.event).toBe('session.ended')
    if (event.event === 'session.ended') expect(event.payload.endedAt).toMatch(/^2027/)
    for (const bad of [
      { event: 'message.deleted', payload: {} },
      { event: 'message.created', payload: { sessionId: 'x' } },
      {
        event: 'toolCall.updated',
        payload: {
          sessionId: crypto.randomUUID(),
          id: crypto.randomUUID(),
          toolName: 't',
          status: 'done',
          updatedAt: '2027-01-01T00:00:00Z',
        },
      },
      null,
      'message.created',
    ]) {
      expect(() => parseRealtimeEvent(bad)).toThrow(expect.objectContaining({ code: 'validation' }))
    }
  })
})
