import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage } from '../client.js'
import { localEmbedder } from '../embeddings/local-embedder.js'
import { type NativeDatabase, plainDrivers, startNativeDatabase, testDrivers } from './native.test-support.js'

let native: NativeDatabase
beforeAll(async () => {
  native = await startNativeDatabase()
}, 180_000)
afterAll(() => native?.stop())

const newUser = () => native.newUser()

describe.each([...testDrivers, ...plainDrivers])(
  'every JSON-carrying write on native PostgreSQL through $name',
  (driver) => {
    const db = () => driver.open(native.server.url)

    it('stores JSON objects as objects, never as a JSON string (no double encoding)', async () => {
      const kysely = db()
      try {
        const tripsage = createTripSage({ db: kysely, embedder: localEmbedder() })
        const me = tripsage.forUser(await newUser())
        const trip = await me.trips.create({
          name: 'Lisbon',
          destination: 'Lisbon, Portugal',
          startDate: '2026-06-01',
          endDate: '2026-06-07',
          flexibility: { pace: 'slow' },
          tags: ['food', 'art'],
        })
        expect(trip.name).toBe('Lisbon')
        const updated = await me.trips.update(trip.id, { name: 'Porto' })
        expect(updated.name).toBe('Porto')
        const flight = await me.flights.add(trip.id, {
          origin: 'LHR',
          destination: 'LIS',
          departureDate: '2026-06-01',
          price: 120,
        })
        expect(flight.origin).toBe('LHR')

        const session = await me.chat.sessions.create({ metadata: { source: 'test' } })
        expect(session.metadata).toEqual({ source: 'test' })
        const [message] = await me.chat.messages.append(session.id, [
          {
            role: 'user',
            content: 'hello',
            metadata: { n: 1 },
          },
        ])
        expect(message?.metadata).toEqual({ n: 1 })
        const call = await me.chat.toolCalls.record(session.id, { toolName: 'search', arguments: { q: 'x' } })
        expect(call.arguments).toEqual({ q: 'x' })
        const done = await me.chat.toolCalls.complete(call.id, { hits: [1, 2] })
        expect(done.result).toEqual({ hits: [1, 2] })

        const memory = await me.memory.add({ content: 'likes window seats', metadata: { topic: 'flights' } })
        expect(memory.metadata).toEqual({ topic: 'flights' })
        const changed = await me.memory.update(memory.id, { metadata: { topic: 'seats' } })
        expect(changed.metadata).toEqual({ topic: 'seats' })
        const many = await me.memory.addMany([{ content: 'vegetarian', metadata: { topic: 'food' } }])
        expect(many[0]?.metadata).toEqual({ topic: 'food' })
        const hits = await me.memory.search({ query: 'food', metadata: { topic: 'food' } })
        expect(hits.map((h) => h.id)).toEqual([many[0]?.id])

        const entry = await me.searchCache.put('flights', { from: 'LHR' }, { offers: [1] }, { ttlSeconds: 60 })
        expect(entry.results).toEqual({ offers: [1] })
        expect((await me.searchCache.get('flights', { from: 'LHR' }))?.results).toEqual({ offers: [1] })

        // Read back as the server stores it: objects, not strings holding JSON.
        const kinds = await native.admin.query(
          `select jsonb_typeof(flexibility) as trip, (select jsonb_typeof(metadata) from public.chat_sessions where id = $2) as session
         from public.trips where id = $1`,
          [trip.id, session.id],
        )
        expect(kinds.rows[0]).toEqual({ trip: 'object', session: 'object' })
        expect((await sql<{ n: number }>`select 1 as n`.execute(kysely)).rows[0]?.n).toBe(1)
      } finally {
        await kysely.destroy()
      }
    })
  },
)
