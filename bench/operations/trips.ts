/** Trips, collaborators and trip items: a user with 200 trips, one of them fully furnished. */
import { sql } from 'kysely'
import { FreshRows, type Operation, type OperationSet } from './operation.js'

export const tripOperations: OperationSet = async ({ db, owner, me, createUser }) => {
  let tripId = ''
  for (let i = 0; i < 200; i++) {
    const day = String((i % 28) + 1).padStart(2, '0')
    const trip = await me.trips.create({
      name: `Trip ${i}`,
      destination: i % 2 ? 'Lisbon, Portugal' : 'Kyoto, Japan',
      startDate: `2026-06-${day}`,
      endDate: `2026-07-${day}`,
    })
    tripId ||= trip.id
  }
  let flightId = ''
  for (let i = 0; i < 20; i++) {
    const flight = await me.flights.add(tripId, {
      origin: 'LHR',
      destination: 'LIS',
      departureDate: '2026-06-01',
      price: 100 + i,
    })
    flightId ||= flight.id
    await me.transportation.add(tripId, { kind: 'train', departureTime: `2026-06-0${(i % 9) + 1}T10:00:00Z` })
  }
  for (let i = 0; i < 10; i++)
    await me.accommodations.add(tripId, {
      name: `Stay ${i}`,
      checkInDate: '2026-06-01',
      checkOutDate: '2026-06-03',
      pricePerNight: 90,
      totalPrice: 180,
    })
  for (let i = 0; i < 50; i++) await me.itinerary.add(tripId, { title: `Item ${i}`, day: '2026-06-02', position: i })
  for (let i = 0; i < 5; i++) {
    const friend = await createUser()
    await me.trips.collaborators.add(tripId, { userId: friend.id, role: 'viewer' })
  }

  const freshTrips = new FreshRows(async (count) => {
    const r = await sql<{ id: string }>`
      insert into public.trips (user_id, name, destination, start_date, end_date)
      select ${owner.id}::uuid, 'to delete ' || g, 'Porto', date '2026-08-01', date '2026-08-05'
      from generate_series(1, ${count}) g returning id`.execute(db)
    return r.rows.map((row) => row.id)
  })
  const freshFlights = new FreshRows(async (count) => {
    const r = await sql<{ id: string }>`
      insert into public.flights (trip_id, origin, destination, departure_date, price)
      select ${tripId}::uuid, 'LIS', 'OPO', date '2026-08-01', 50
      from generate_series(1, ${count}) g returning id`.execute(db)
    return r.rows.map((row) => row.id)
  })

  const operations: Operation[] = [
    { name: 'trips.get', call: (c) => c.trips.get(tripId) },
    {
      name: 'trips.get (with every relation)',
      call: (c) =>
        c.trips.get(tripId, { include: ['flights', 'accommodations', 'transportation', 'itinerary', 'collaborators'] }),
    },
    { name: 'trips.list (page of 20)', call: (c) => c.trips.list({ sortBy: 'startDate', limit: 20 }) },
    {
      name: 'trips.create',
      call: (c, i) =>
        c.trips.create({ name: `Bench ${i}`, destination: 'Seville', startDate: '2026-09-01', endDate: '2026-09-04' }),
    },
    { name: 'trips.update', call: (c, i) => c.trips.update(tripId, { description: `updated ${i % 7}` }) },
    {
      name: 'trips.delete',
      call: (c, i) => c.trips.delete(freshTrips.take(i)),
      vary: (params) => freshTrips.replace(params),
      prepare: (calls) => freshTrips.add(calls + 1),
    },
    { name: 'trips.collaborators.list', call: (c) => c.trips.collaborators.list(tripId) },
    {
      name: 'flights.add',
      call: (c) => c.flights.add(tripId, { origin: 'LIS', destination: 'MAD', departureDate: '2026-06-02', price: 80 }),
    },
    { name: 'flights.listByTrip (20)', call: (c) => c.flights.listByTrip(tripId) },
    { name: 'flights.update', call: (c, i) => c.flights.update(flightId, { price: 100 + (i % 5) }) },
    {
      name: 'flights.remove',
      call: (c, i) => c.flights.remove(freshFlights.take(i)),
      vary: (params) => freshFlights.replace(params),
      prepare: (calls) => freshFlights.add(calls + 1),
    },
    { name: 'itinerary.listByTrip (50)', call: (c) => c.itinerary.listByTrip(tripId) },
  ]
  return operations
}
