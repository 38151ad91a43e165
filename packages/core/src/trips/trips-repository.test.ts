import { randomUUID } from 'node:crypto'
import { createTestDatabase, createTestUser, type TestDatabase } from '@tripsage/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type UserClient } from '../client.js'
import { encodeCursor } from '../pagination.js'
import { createTripWorld, errorCode, tripInput, tripTableCounts } from './trip-world.test-support.js'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

async function newUser(): Promise<UserClient> {
  const user = await createTestUser(database.db)
  return createTripSage({ db: database.db }).forUser(user.claims)
}

describe('me.trips.create', () => {
  it('creates a trip owned by the caller with the column defaults', async () => {
    const me = await newUser()
    const trip = await me.trips.create(tripInput())
    expect(trip).toMatchObject({
      userId: me.userId,
      name: 'Lisbon',
      destination: 'Lisbon, Portugal',
      description: null,
      startDate: '2026-06-01',
      endDate: '2026-06-07',
      budget: null,
      currency: 'USD',
      travelers: 1,
      status: 'planning',
      tripType: 'leisure',
      flexibility: {},
      notes: [],
      tags: [],
      searchMetadata: {},
    })
    expect(trip.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(new Date(trip.createdAt).toISOString()).toBe(trip.createdAt)
    expect(trip.updatedAt).toBe(trip.createdAt)
  })

  it('round-trips every field', async () => {
    const me = await newUser()
    const input = tripInput({
      description: 'Pastéis 🥐 and trams',
      budget: 2500.75,
      currency: 'EUR',
      travelers: 3,
      status: 'booked',
      tripType: 'family',
      flexibility: { days: 2, nested: { ok: true, list: [1, 'two', null] } },
      notes: ['book tram 28', 'a,b "quoted" {braces}'],
      tags: ['beach', 'food'],
      searchMetadata: { lastQuery: 'hotels' },
    })
    const trip = await me.trips.create(input)
    const { name, destination, startDate, endDate, ...rest } = input
    expect(trip).toMatchObject({ name, destination, startDate, endDate, ...rest })
    expect(await me.trips.get(trip.id)).toEqual(trip)
  })

  it.each([
    ['userId', { userId: randomUUID() }],
    ['id', { id: randomUUID() }],
    ['createdAt', { createdAt: '2026-01-01T00:00:00Z' }],
    ['an unknown key', { owner: 'me' }],
    ['a snake_case column', { user_id: randomUUID() }],
  ])('refuses %s (mass assignment) with validation and writes nothing', async (_label, extra) => {
    const me = await newUser()
    const before = await tripTableCounts(database)
    expect(await errorCode(me.trips.create({ ...tripInput(), ...extra } as never))).toBe('validation')
    expect(await tripTableCounts(database)).toEqual(before)
  })
})

describe('me.trips.get / find', () => {
  it('get throws not_found and find returns null for a missing or invisible trip', async () => {
    const owner = await newUser()
    const stranger = await newUser()
    const trip = await owner.trips.create(tripInput())
    for (const id of [randomUUID(), trip.id]) {
      expect(await errorCode(stranger.trips.get(id))).toBe('not_found')
      expect(await stranger.trips.find(id)).toBeNull()
    }
    expect(await owner.trips.find(trip.id)).toEqual(trip)
  })

  it('refuses a malformed id or include with validation', async () => {
    const me = await newUser()
    expect(await errorCode(me.trips.get('not-a-uuid'))).toBe('validation')
    expect(await errorCode(me.trips.find(42 as never))).toBe('validation')
    expect(await errorCode(me.trips.get(randomUUID(), { include: ['hotels'] as never }))).toBe('validation')
    expect(await errorCode(me.trips.get(randomUUID(), { expand: true } as never))).toBe('validation')
  })

  it('loads the trip and every relation, each in list order', async () => {
    const { as, trip, users } = await createTripWorld(database)
    const me = as.owner
    const f2 = await me.flights.add(trip.id, {
      origin: 'LIS',
      destination: 'LHR',
      departureDate: '2026-06-07',
      price: 90,
    })
    const f1 = await me.flights.add(trip.id, {
      origin: 'LHR',
      destination: 'LIS',
      departureDate: '2026-06-01',
      price: 80,
    })
    const stay = await me.accommodations.add(trip.id, {
      name: 'Alfama flat',
      checkInDate: '2026-06-01',
      checkOutDate: '2026-06-07',
      pricePerNight: 100,
      totalPrice: 600,
    })
    const train = await me.transportation.add(trip.id, { kind: 'train', departureTime: '2026-06-03T09:00:00Z' })
    const day2 = await me.itinerary.add(trip.id, { title: 'Sintra', day: '2026-06-02' })
    const day1 = await me.itinerary.add(trip.id, { title: 'Arrive', day: '2026-06-01', flightId: f1.id })

    const full = await as.viewer.trips.get(trip.id, {
      include: ['flights', 'accommodations', 'transportation', 'itinerary', 'collaborators'],
    })
    expect(full.flights.map((f) => f.id)).toEqual([f1.id, f2.id])
    expect(full.accommodations).toEqual([stay])
    expect(full.transportation).toEqual([train])
    expect(full.itinerary.map((i) => i.id)).toEqual([day1.id, day2.id])
    expect(full.collaborators.map((c) => [c.userId, c.role])).toEqual([
      [users.admin.id, 'admin'],
      [users.editor.id, 'editor'],
      [users.viewer.id, 'viewer'],
    ])
    const { flights, accommodations, transportation, itinerary, collaborators, ...tripOnly } = full
    expect(tripOnly).toEqual(await me.trips.get(trip.id))

    const some = await me.trips.get(trip.id, { include: ['flights', 'flights'] })
    expect(Object.keys(some)).toContain('flights')
    expect(Object.keys(some)).not.toContain('itinerary')
  })

  it('returns empty lists for relations without rows', async () => {
    const me = await newUser()
    const trip = await me.trips.create(tripInput())
    const full = await me.trips.get(trip.id, { include: ['flights', 'collaborators'] })
    expect(full.flights).toEqual([])
    expect(full.collaborators).toEqual([])
  })

  it('runs the scope statement plus ONE statement, however many items there are (no N+1)', async () => {
    const statements: string[] = []
    const logged = database.connect({
      log: (event) => {
        statements.push(event.query.sql)
      },
    })
    const owner = await createTestUser(database.db)
    const me = createTripSage({ db: logged }).forUser(owner.claims)
    const trip = await me.trips.create(tripInput())
    const include = ['flights', 'accommodations', 'transportation', 'itinerary', 'collaborators'] as const
    const countStatements = async () => {
      statements.length = 0
      await me.trips.get(trip.id, { include })
      // Pure transaction control aside. PGlite sends the scope entry on its own; pg sends it in one
      // message with `begin` (see scope.ts), which still counts as the scope statement.
      return statements.filter((s) => !/^\s*(begin|commit|rollback)\s*;?\s*$/i.test(s))
    }
    const empty = await countStatements()
    for (let day = 1; day <= 5; day++) {
      await me.flights.add(trip.id, { origin: 'A', destination: 'B', departureDate: `2026-06-0${day}`, price: day })
      await me.itinerary.add(trip.id, { title: `Day ${day}`, day: `2026-06-0${day}` })
    }
    const full = await countStatements()
    expect(empty).toHaveLength(2)
    expect(empty[0]).toMatch(/set_config\(/)
    expect(full).toHaveLength(2)
    expect(full[1]).toMatch(/jsonb_agg/)
  })
})

describe('me.trips.list', () => {
  async function seed(me: UserClient) {
    const rows = [
      { name: 'Porto', destination: 'Porto, Portugal', startDate: '2026-03-01', endDate: '2026-03-05' },
      { name: 'Paris', destination: 'Paris, France', startDate: '2026-05-10', endDate: '2026-05-12', status: 'booked' },
      { name: 'Tokyo', destination: 'Tokyo', startDate: '2026-09-01', endDate: '2026-09-20', tripType: 'business' },
      { name: '100% fun', destination: '100% Resort_Island', startDate: '2026-07-01', endDate: '2026-07-02' },
      { name: 'Done', destination: 'Oslo', startDate: '2025-01-01', endDate: '2025-01-03', status: 'completed' },
    ] as const
    const trips = []
    for (const row of rows) trips.push(await me.trips.create(row))
    return trips
  }

  it('lists the trips the caller owns or collaborates on, newest first by default', async () => {
    const { as, trip } = await createTripWorld(database)
    const ownOfViewer = await as.viewer.trips.create(tripInput({ name: 'Viewer trip' }))
    await as.stranger.trips.create(tripInput({ name: 'Stranger trip' }))
    const page = await as.viewer.trips.list()
    expect(page.items.map((t) => t.id)).toEqual([ownOfViewer.id, trip.id])
    expect(page.nextCursor).toBeNull()
  })

  it('filters by status, trip type, overlapping dates and destination text', async () => {
    const me = await newUser()
    const [porto, paris, tokyo, fun, done] = await seed(me)
    const names = async (input: Parameters<UserClient['trips']['list']>[0]) =>
      (await me.trips.list({ sortBy: 'startDate', order: 'asc', ...input })).items.map((t) => t.name)

    expect(await names({ status: 'booked' })).toEqual([paris!.name])
    expect(await names({ status: ['completed', 'booked'] })).toEqual([done!.name, paris!.name])
    expect(await names({ tripType: 'business' })).toEqual([tokyo!.name])
    // Overlap includes trips touching the range's ends.
    expect(await names({ overlaps: { from: '2026-03-05', to: '2026-05-10' } })).toEqual([porto!.name, paris!.name])
    expect(await names({ overlaps: { from: '2026-07-02' } })).toEqual([fun!.name, tokyo!.name])
    expect(await names({ overlaps: { to: '2025-12-31' } })).toEqual([done!.name])
    expect(await names({ destination: 'PORT' })).toEqual([porto!.name])
    expect(await names({ destination: 'portugal', status: 'planning' })).toEqual([porto!.name])
    // `%` and `_` match themselves, not "anything".
    expect(await names({ destination: '%' })).toEqual([fun!.name])
    expect(await names({ destination: 'resort_' })).toEqual([fun!.name])
    expect(await names({ destination: 'o_l' })).toEqual([])
    expect(await names({ destination: '\\' })).toEqual([])
  })

  it('sorts by start date or creation, both directions, and pages with a cursor', async () => {
    const me = await newUser()
    const trips = await seed(me)
    const byStart = [...trips].sort((a, b) => a.startDate.localeCompare(b.startDate)).map((t) => t.id)
    // Creation order as the database sees it: created_at, then id for trips created in the same instant.
    const byCreation = [...trips]
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .map((t) => t.id)
    const collect = async (sortBy: 'startDate' | 'createdAt', order: 'asc' | 'desc') => {
      const ids: string[] = []
      let cursor: string | undefined
      do {
        const page = await me.trips.list({ sortBy, order, limit: 2, ...(cursor ? { cursor } : {}) })
        expect(page.items.length).toBeLessThanOrEqual(2)
        ids.push(...page.items.map((t) => t.id))
        cursor = page.nextCursor ?? undefined
      } while (cursor)
      return ids
    }
    expect(await collect('startDate', 'asc')).toEqual(byStart)
    expect(await collect('startDate', 'desc')).toEqual([...byStart].reverse())
    expect(await collect('createdAt', 'asc')).toEqual(byCreation)
    expect(await collect('createdAt', 'desc')).toEqual([...byCreation].reverse())
  })

  it('refuses bad options and cursors with validation', async () => {
    const me = await newUser()
    await seed(me)
    const first = await me.trips.list({ sortBy: 'startDate', limit: 1 })
    expect(first.nextCursor).not.toBeNull()
    const cursor = first.nextCursor!
    expect(await errorCode(me.trips.list({ sortBy: 'createdAt', cursor }))).toBe('validation')
    expect(await errorCode(me.trips.list({ sortBy: 'startDate', order: 'asc', cursor }))).toBe('validation')
    expect(await errorCode(me.trips.list({ cursor: 'garbage' }))).toBe('validation')
    const forged = encodeCursor(['startDate:desc', 'not a date', randomUUID()])
    expect(await errorCode(me.trips.list({ sortBy: 'startDate', cursor: forged }))).toBe('validation')
    expect(await errorCode(me.trips.list({ limit: 0 }))).toBe('validation')
    expect(await errorCode(me.trips.list({ limit: 101 }))).toBe('validation')
    expect(await errorCode(me.trips.list({ status: [] }))).toBe('validation')
    expect(await errorCode(me.trips.list({ status: 'archived' as never }))).toBe('validation')
    expect(await errorCode(me.trips.list({ overlaps: { from: '2026-02-01', to: '2026-01-01' } }))).toBe('validation')
    expect(await errorCode(me.trips.list({ userId: randomUUID() } as never))).toBe('validation')
  })
})

describe('me.trips.update', () => {
  it('changes only the given fields and can clear nullable ones', async () => {
    const me = await newUser()
    const trip = await me.trips.create(tripInput({ budget: 100, description: 'first' }))
    const updated = await me.trips.update(trip.id, { name: 'Lisbon & Sintra', budget: null, tags: ['x'] })
    expect(updated).toEqual({
      ...trip,
      name: 'Lisbon & Sintra',
      budget: null,
      tags: ['x'],
      updatedAt: updated.updatedAt,
    })
    expect(await me.trips.get(trip.id)).toEqual(updated)
  })

  it('leaves the database checks as the last line: an end before the stored start is validation', async () => {
    const me = await newUser()
    const trip = await me.trips.create(tripInput())
    expect(await errorCode(me.trips.update(trip.id, { endDate: '2026-05-01' }))).toBe('validation')
    expect(await errorCode(me.trips.update(trip.id, { startDate: '2026-06-08', endDate: '2026-06-01' }))).toBe(
      'validation',
    )
    expect(await me.trips.get(trip.id)).toEqual(trip)
  })

  it.each([
    ['userId', { userId: randomUUID() }],
    ['id', { id: randomUUID() }],
    ['updatedAt', { updatedAt: '2026-01-01T00:00:00Z' }],
    ['an unknown key', { owner: randomUUID() }],
    ['nothing', {}],
    ['only undefined', { name: undefined }],
  ])('refuses %s with validation', async (_label, patch) => {
    const me = await newUser()
    const trip = await me.trips.create(tripInput())
    expect(await errorCode(me.trips.update(trip.id, patch as never))).toBe('validation')
    expect(await me.trips.get(trip.id)).toEqual(trip)
  })

  it('is not_found for a missing trip', async () => {
    const me = await newUser()
    expect(await errorCode(me.trips.update(randomUUID(), { name: 'x' }))).toBe('not_found')
  })
})

describe('me.trips.delete', () => {
  it('deletes the trip with its collaborators and items', async () => {
    const { as, trip } = await createTripWorld(database)
    const flight = await as.editor.flights.add(trip.id, {
      origin: 'A',
      destination: 'B',
      departureDate: '2026-06-01',
      price: 1,
    })
    const stay = await as.editor.accommodations.add(trip.id, {
      name: 'H',
      checkInDate: '2026-06-01',
      checkOutDate: '2026-06-02',
      pricePerNight: 1,
      totalPrice: 1,
    })
    await as.editor.transportation.add(trip.id, { kind: 'taxi', departureTime: '2026-06-01T10:00:00Z' })
    await as.editor.itinerary.add(trip.id, { title: 'x', flightId: flight.id, accommodationId: stay.id })
    const before = await tripTableCounts(database)

    await as.owner.trips.delete(trip.id)

    expect(await tripTableCounts(database)).toEqual({
      trips: before.trips! - 1,
      trip_collaborators: before.trip_collaborators! - 3,
      flights: before.flights! - 1,
      accommodations: before.accommodations! - 1,
      transportation: before.transportation! - 1,
      itinerary_items: before.itinerary_items! - 1,
    })
    expect(await as.owner.trips.find(trip.id)).toBeNull()
    expect(await errorCode(as.owner.trips.delete(trip.id))).toBe('not_found')
  })
})

describe('tripsage.service.trips', () => {
  it('reads any trip, with relations, without RLS', async () => {
    const { tripsage, as, trip } = await createTripWorld(database)
    await as.owner.flights.add(trip.id, { origin: 'A', destination: 'B', departureDate: '2026-06-01', price: 1 })
    const seen = await tripsage.service.trips.get(trip.id, { include: ['flights', 'collaborators'] })
    expect(seen.id).toBe(trip.id)
    expect(seen.flights).toHaveLength(1)
    expect(seen.collaborators).toHaveLength(3)
    expect(await tripsage.service.trips.find(randomUUID())).toBeNull()
    expect(await errorCode(tripsage.service.trips.get(randomUUID()))).toBe('not_found')
  })
})
