import { randomUUID } from 'node:crypto'
import { createTestDatabase, createTestUser, type TestDatabase } from '@tripsage/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type UserClient } from '../client.js'
import { errorCode, tripInput, tripTableCounts } from './trip-world.test-support.js'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

async function ownerWithTrip(): Promise<{ me: UserClient; tripId: string }> {
  const user = await createTestUser(database.db)
  const me = createTripSage({ db: database.db }).forUser(user.claims)
  const trip = await me.trips.create(tripInput())
  return { me, tripId: trip.id }
}

describe('me.flights', () => {
  it('adds with the column defaults and round-trips every field', async () => {
    const { me, tripId } = await ownerWithTrip()
    const minimal = await me.flights.add(tripId, {
      origin: 'LHR',
      destination: 'LIS',
      departureDate: '2026-06-01',
      price: 0,
    })
    expect(minimal).toMatchObject({
      tripId,
      returnDate: null,
      departureTime: null,
      flightClass: 'economy',
      currency: 'USD',
      bookingStatus: 'available',
      metadata: {},
      price: 0,
    })
    const full = {
      origin: 'London Heathrow',
      destination: 'Lisbon',
      departureDate: '2026-06-01',
      returnDate: '2026-06-07',
      departureTime: '2026-06-01T08:00:00.000Z',
      arrivalTime: '2026-06-01T10:45:00.000Z',
      flightClass: 'business',
      price: 1234.56,
      currency: 'GBP',
      airline: 'TAP',
      flightNumber: 'TP1351',
      bookingStatus: 'booked',
      externalId: 'offer_123',
      metadata: { seats: ['2A', '2C'] },
    } as const
    expect(await me.flights.add(tripId, full)).toMatchObject(full)
  })

  it('returns timestamps in UTC whatever offset they were given in', async () => {
    const { me, tripId } = await ownerWithTrip()
    const flight = await me.flights.add(tripId, {
      origin: 'A',
      destination: 'B',
      departureDate: '2026-06-01',
      price: 1,
      departureTime: '2026-06-01T08:00:00+02:00',
      arrivalTime: '2026-06-01T09:30:00.250-01:00',
    })
    expect(flight.departureTime).toBe('2026-06-01T06:00:00.000Z')
    expect(flight.arrivalTime).toBe('2026-06-01T10:30:00.250Z')
  })

  it('lists by departure date, then time (unset last), then id', async () => {
    const { me, tripId } = await ownerWithTrip()
    const add = (departureDate: string, departureTime?: string) =>
      me.flights.add(tripId, {
        origin: 'A',
        destination: 'B',
        departureDate,
        price: 1,
        ...(departureTime ? { departureTime } : {}),
      })
    const late = await add('2026-06-03')
    const untimed = await add('2026-06-02')
    const evening = await add('2026-06-02', '2026-06-02T19:00:00Z')
    const morning = await add('2026-06-02', '2026-06-02T07:00:00Z')
    const ids = (await me.flights.listByTrip(tripId)).map((f) => f.id)
    expect(ids).toEqual([morning.id, evening.id, untimed.id, late.id])
  })

  it('updates some fields, removes, and is not_found for unknown ids', async () => {
    const { me, tripId } = await ownerWithTrip()
    const flight = await me.flights.add(tripId, {
      origin: 'A',
      destination: 'B',
      departureDate: '2026-06-01',
      price: 1,
    })
    const updated = await me.flights.update(flight.id, { price: 2.5, airline: 'TAP', returnDate: null })
    expect(updated).toEqual({ ...flight, price: 2.5, airline: 'TAP', updatedAt: updated.updatedAt })
    await me.flights.remove(flight.id)
    expect(await me.flights.listByTrip(tripId)).toEqual([])
    expect(await errorCode(me.flights.remove(flight.id))).toBe('not_found')
    expect(await errorCode(me.flights.update(flight.id, { price: 3 }))).toBe('not_found')
    expect(await errorCode(me.flights.listByTrip(randomUUID()))).toBe('not_found')
    expect(
      await errorCode(
        me.flights.add(randomUUID(), { origin: 'A', destination: 'B', departureDate: '2026-06-01', price: 1 }),
      ),
    ).toBe('not_found')
  })

  it('refuses protected keys and cross-field violations with validation, writing nothing', async () => {
    const { me, tripId } = await ownerWithTrip()
    const flight = await me.flights.add(tripId, {
      origin: 'A',
      destination: 'B',
      departureDate: '2026-06-02',
      price: 1,
    })
    const other = await ownerWithTrip()
    const before = await tripTableCounts(database)
    const base = { origin: 'A', destination: 'B', departureDate: '2026-06-02', price: 1 }
    for (const bad of [
      { ...base, tripId: other.tripId },
      { ...base, id: randomUUID() },
      { ...base, returnDate: '2026-06-01' },
      { ...base, departureTime: '2026-06-02T10:00:00Z', arrivalTime: '2026-06-02T09:59:59Z' },
    ]) {
      expect(await errorCode(me.flights.add(tripId, bad as never))).toBe('validation')
    }
    expect(await errorCode(me.flights.update(flight.id, { tripId: other.tripId } as never))).toBe('validation')
    expect(await errorCode(me.flights.update(flight.id, {}))).toBe('validation')
    // Only one date in the patch: the database check compares it with the stored one.
    expect(await errorCode(me.flights.update(flight.id, { returnDate: '2026-06-01' }))).toBe('validation')
    expect(await tripTableCounts(database)).toEqual(before)
  })
})

describe('me.accommodations', () => {
  const stay = {
    name: 'Alfama flat',
    checkInDate: '2026-06-01',
    checkOutDate: '2026-06-04',
    pricePerNight: 90,
    totalPrice: 270,
  }

  it('adds, lists by check-in date, updates and removes', async () => {
    const { me, tripId } = await ownerWithTrip()
    const second = await me.accommodations.add(tripId, {
      ...stay,
      checkInDate: '2026-06-04',
      checkOutDate: '2026-06-07',
    })
    const first = await me.accommodations.add(tripId, {
      ...stay,
      address: 'Rua 1',
      roomType: 'double',
      rating: 4.7,
      amenities: ['wifi', 'kitchen'],
      currency: 'EUR',
      bookingStatus: 'reserved',
      externalId: 'h-1',
      metadata: { floor: 2 },
    })
    expect(first).toMatchObject({
      rating: 4.7,
      amenities: ['wifi', 'kitchen'],
      currency: 'EUR',
      metadata: { floor: 2 },
    })
    expect((await me.accommodations.listByTrip(tripId)).map((a) => a.id)).toEqual([first.id, second.id])
    const updated = await me.accommodations.update(first.id, { rating: null, amenities: [] })
    expect(updated).toMatchObject({ rating: null, amenities: [] })
    await me.accommodations.remove(second.id)
    expect((await me.accommodations.listByTrip(tripId)).map((a) => a.id)).toEqual([first.id])
  })

  it('requires check-out strictly after check-in', async () => {
    const { me, tripId } = await ownerWithTrip()
    expect(await errorCode(me.accommodations.add(tripId, { ...stay, checkOutDate: stay.checkInDate }))).toBe(
      'validation',
    )
    const added = await me.accommodations.add(tripId, stay)
    expect(await errorCode(me.accommodations.update(added.id, { checkOutDate: '2026-06-01' }))).toBe('validation')
  })
})

describe('me.transportation', () => {
  it('adds, lists by departure time, updates and removes', async () => {
    const { me, tripId } = await ownerWithTrip()
    const later = await me.transportation.add(tripId, { kind: 'ferry', departureTime: '2026-06-03T12:00:00Z' })
    const earlier = await me.transportation.add(tripId, {
      kind: 'car_rental',
      provider: 'Hertz',
      origin: 'LIS airport',
      destination: 'Sintra',
      departureTime: '2026-06-01T10:00:00Z',
      arrivalTime: '2026-06-01T11:00:00Z',
      price: 45.5,
      currency: 'EUR',
      bookingStatus: 'booked',
      externalId: 'car-1',
      metadata: { plate: 'AA-00-AA' },
    })
    expect(earlier).toMatchObject({ kind: 'car_rental', price: 45.5, arrivalTime: '2026-06-01T11:00:00.000Z' })
    expect((await me.transportation.listByTrip(tripId)).map((t) => t.id)).toEqual([earlier.id, later.id])
    expect(await me.transportation.update(later.id, { price: null, kind: 'bus' })).toMatchObject({
      price: null,
      kind: 'bus',
    })
    await me.transportation.remove(later.id)
    expect(await me.transportation.listByTrip(tripId)).toHaveLength(1)
  })

  it('refuses an unknown kind and an arrival before departure', async () => {
    const { me, tripId } = await ownerWithTrip()
    expect(
      await errorCode(me.transportation.add(tripId, { kind: 'plane' as never, departureTime: '2026-06-01T10:00:00Z' })),
    ).toBe('validation')
    expect(
      await errorCode(
        me.transportation.add(tripId, {
          kind: 'taxi',
          departureTime: '2026-06-01T10:00:00Z',
          arrivalTime: '2026-06-01T09:00:00Z',
        }),
      ),
    ).toBe('validation')
  })
})

describe('me.itinerary', () => {
  it('lists by day (unscheduled last), position, start time, then id', async () => {
    const { me, tripId } = await ownerWithTrip()
    const unscheduled = await me.itinerary.add(tripId, { title: 'Someday' })
    const d2 = await me.itinerary.add(tripId, { title: 'Day 2', day: '2026-06-02' })
    const d1Second = await me.itinerary.add(tripId, { title: 'Lunch', day: '2026-06-01', position: 2 })
    const d1FirstLate = await me.itinerary.add(tripId, {
      title: 'Museum',
      day: '2026-06-01',
      position: 1,
      startTime: '2026-06-01T15:00:00Z',
    })
    const d1FirstEarly = await me.itinerary.add(tripId, {
      title: 'Breakfast',
      day: '2026-06-01',
      position: 1,
      startTime: '2026-06-01T08:00:00Z',
      endTime: '2026-06-01T09:00:00Z',
      itemType: 'meal',
      location: 'Café',
      price: 12,
      currency: 'EUR',
      description: 'Pastéis',
    })
    expect((await me.itinerary.listByTrip(tripId)).map((i) => i.title)).toEqual(
      [d1FirstEarly, d1FirstLate, d1Second, d2, unscheduled].map((i) => i.title),
    )
  })

  it('links a flight and a stay of the same trip; deleting them only clears the link', async () => {
    const { me, tripId } = await ownerWithTrip()
    const flight = await me.flights.add(tripId, {
      origin: 'A',
      destination: 'B',
      departureDate: '2026-06-01',
      price: 1,
    })
    const stay = await me.accommodations.add(tripId, {
      name: 'H',
      checkInDate: '2026-06-01',
      checkOutDate: '2026-06-02',
      pricePerNight: 1,
      totalPrice: 1,
    })
    const item = await me.itinerary.add(tripId, { title: 'Arrive', itemType: 'flight', flightId: flight.id })
    expect(item.flightId).toBe(flight.id)
    const linked = await me.itinerary.update(item.id, { accommodationId: stay.id })
    expect(linked).toMatchObject({ flightId: flight.id, accommodationId: stay.id })

    await me.flights.remove(flight.id)
    await me.accommodations.remove(stay.id)
    const [after] = await me.itinerary.listByTrip(tripId)
    expect(after).toMatchObject({ id: item.id, flightId: null, accommodationId: null })
  })

  it('cannot link a booking of another trip, even one the caller owns (composite foreign key)', async () => {
    const { me, tripId } = await ownerWithTrip()
    const otherTrip = await me.trips.create(tripInput({ name: 'Other' }))
    const foreign = await me.flights.add(otherTrip.id, {
      origin: 'A',
      destination: 'B',
      departureDate: '2026-06-01',
      price: 1,
    })
    const item = await me.itinerary.add(tripId, { title: 'x' })
    const before = await tripTableCounts(database)
    expect(await errorCode(me.itinerary.add(tripId, { title: 'y', flightId: foreign.id }))).toBe('not_found')
    expect(await errorCode(me.itinerary.update(item.id, { flightId: foreign.id }))).toBe('not_found')
    expect(await errorCode(me.itinerary.update(item.id, { accommodationId: randomUUID() }))).toBe('not_found')
    expect(await tripTableCounts(database)).toEqual(before)
    expect((await me.itinerary.listByTrip(tripId))[0]?.flightId).toBeNull()
  })
})
