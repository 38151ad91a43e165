import { createTestDatabase, createTestUser, type TestDatabase } from '@tripsage/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type UserClient } from '../client.js'
import { errorCode, tripInput, tripTableCounts } from './trip-world.test-support.js'

let database: TestDatabase
let me: UserClient
beforeAll(async () => {
  database = await createTestDatabase()
  me = createTripSage({ db: database.db }).forUser((await createTestUser(database.db)).claims)
})
afterAll(() => database.close())

const flight = { origin: 'LHR', destination: 'LIS', departureDate: '2026-06-01', price: 120 }

describe('me.transaction with trip repositories', () => {
  it('commits a trip and its items together; inside, each call sees the earlier ones', async () => {
    // Made before the transaction: on PGlite (one session) a second connection would wait for it.
    const friend = await createTestUser(database.db)
    const trip = await me.transaction(async (tx) => {
      const created = await tx.trips.create(tripInput())
      const f = await tx.flights.add(created.id, flight)
      await tx.itinerary.add(created.id, { title: 'Arrive', flightId: f.id })
      await tx.trips.collaborators.add(created.id, { userId: friend.id })
      expect((await tx.trips.get(created.id, { include: ['flights'] })).flights).toHaveLength(1)
      return created
    })
    const stored = await me.trips.get(trip.id, { include: ['flights', 'itinerary', 'collaborators'] })
    expect([stored.flights.length, stored.itinerary.length, stored.collaborators.length]).toEqual([1, 1, 1])
  })

  it('leaves nothing when the last insert fails in the database', async () => {
    const other = await me.trips.create(tripInput({ name: 'Other' }))
    const foreignFlight = await me.flights.add(other.id, flight)
    const before = await tripTableCounts(database)
    const code = await errorCode(
      me.transaction(async (tx) => {
        const trip = await tx.trips.create(tripInput())
        await tx.flights.add(trip.id, flight)
        await tx.accommodations.add(trip.id, {
          name: 'H',
          checkInDate: '2026-06-01',
          checkOutDate: '2026-06-02',
          pricePerNight: 1,
          totalPrice: 1,
        })
        // A flight of another trip: the composite foreign key refuses it.
        await tx.itinerary.add(trip.id, { title: 'x', flightId: foreignFlight.id })
      }),
    )
    expect(code).toBe('not_found')
    expect(await tripTableCounts(database)).toEqual(before)
  })

  it('leaves nothing when the last input is refused by its schema', async () => {
    const before = await tripTableCounts(database)
    const code = await errorCode(
      me.transaction(async (tx) => {
        const trip = await tx.trips.create(tripInput())
        await tx.flights.add(trip.id, flight)
        await tx.transportation.add(trip.id, { kind: 'teleport' as never, departureTime: '2026-06-01T10:00:00Z' })
      }),
    )
    expect(code).toBe('validation')
    expect(await tripTableCounts(database)).toEqual(before)
  })

  it('leaves nothing when the callback itself throws after the writes', async () => {
    const before = await tripTableCounts(database)
    await expect(
      me.transaction(async (tx) => {
        const trip = await tx.trips.create(tripInput())
        await tx.flights.add(trip.id, flight)
        throw new Error('payment declined')
      }),
    ).rejects.toThrow('payment declined')
    expect(await tripTableCounts(database)).toEqual(before)
  })
})
