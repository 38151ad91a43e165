import { createTestDatabase, createTestUser, type TestDatabase } from '@tripsage/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { UserClient } from '../client.js'
import { TripSageError } from '../errors.js'
import { type Actor, createTripWorld, type TripWorld, tripTableCounts } from './trip-world.test-support.js'

/*
 * The access rules of docs/data-model.md, through the SDK: for each operation, what each actor
 * gets. `ok` = the call succeeds; otherwise the error code. Every case runs on a fresh trip shared
 * with an admin, an editor and a viewer. A refused write must leave every table unchanged.
 */

type Outcome = 'ok' | 'forbidden' | 'not_found'
type Expect = Record<Actor, Outcome>

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

const readers: Expect = { owner: 'ok', admin: 'ok', editor: 'ok', viewer: 'ok', stranger: 'not_found' }
const writers: Expect = { owner: 'ok', admin: 'ok', editor: 'ok', viewer: 'forbidden', stranger: 'not_found' }
const ownerOnly: Expect = {
  owner: 'ok',
  admin: 'forbidden',
  editor: 'forbidden',
  viewer: 'forbidden',
  stranger: 'not_found',
}
const managers: Expect = { owner: 'ok', admin: 'ok', editor: 'forbidden', viewer: 'forbidden', stranger: 'not_found' }

async function outcome(call: Promise<unknown>): Promise<Outcome | string> {
  try {
    await call
    return 'ok'
  } catch (error) {
    return TripSageError.isInstance(error) ? error.code : String(error)
  }
}

/**
 * One case: `setUp` runs as the owner (e.g. adds the member or item to act on) and returns the
 * target; `call` is the operation under test, made as each actor.
 */
type Case = [
  name: string,
  expected: Expect,
  setUp: (world: TripWorld) => Promise<string>,
  call: (me: UserClient, target: string) => Promise<unknown>,
]

const theTrip = async (world: TripWorld) => world.trip.id

/** A collaborator other than the actors, so nobody acts on their own membership. */
function member(role: 'viewer' | 'editor' | 'admin') {
  return async (world: TripWorld) => {
    const { id } = await createTestUser(database.db)
    await world.as.owner.trips.collaborators.add(world.trip.id, { userId: id, role })
    return id
  }
}

/** A user who is not on the trip yet. */
const outsider = async () => (await createTestUser(database.db)).id

const itemKinds = {
  flights: {
    add: { origin: 'LHR', destination: 'LIS', departureDate: '2026-06-01', price: 120 },
    patch: { price: 99 },
  },
  accommodations: {
    add: { name: 'Hotel', checkInDate: '2026-06-01', checkOutDate: '2026-06-03', pricePerNight: 80, totalPrice: 160 },
    patch: { rating: 4.5 },
  },
  transportation: {
    add: { kind: 'train', departureTime: '2026-06-02T09:00:00Z' },
    patch: { provider: 'CP' },
  },
  itinerary: {
    add: { title: 'Tram 28', day: '2026-06-02' },
    patch: { position: 3 },
  },
} as const

type ItemKind = keyof typeof itemKinds

/** The repository of a kind, typed loosely: the matrix only cares about outcomes. */
function items(me: UserClient, kind: ItemKind) {
  return me[kind] as unknown as {
    add(tripId: string, input: unknown): Promise<{ id: string }>
    update(id: string, patch: unknown): Promise<unknown>
    remove(id: string): Promise<void>
    listByTrip(tripId: string): Promise<unknown[]>
  }
}

const existingItem = (kind: ItemKind) => async (world: TripWorld) =>
  (await items(world.as.owner, kind).add(world.trip.id, itemKinds[kind].add)).id

const allRelations = ['flights', 'accommodations', 'transportation', 'itinerary', 'collaborators'] as const

const cases: Case[] = [
  ['trips.get', readers, theTrip, (me, id) => me.trips.get(id)],
  ['trips.get with every relation', readers, theTrip, (me, id) => me.trips.get(id, { include: allRelations })],
  ['trips.update', writers, theTrip, (me, id) => me.trips.update(id, { name: 'Renamed' })],
  ['trips.delete', ownerOnly, theTrip, (me, id) => me.trips.delete(id)],
  ['collaborators.list', readers, theTrip, (me, id) => me.trips.collaborators.list(id)],
  ...(['viewer', 'editor', 'admin'] as const).map(
    (role): Case => [
      `collaborators.add an ${role}`,
      role === 'admin' ? ownerOnly : managers,
      outsider,
      (me, userId) => me.trips.collaborators.add(currentTrip, { userId, role }),
    ],
  ),
  [
    'collaborators.setRole editor → viewer',
    managers,
    member('editor'),
    (me, userId) => me.trips.collaborators.setRole(currentTrip, userId, 'viewer'),
  ],
  [
    'collaborators.setRole viewer → admin',
    ownerOnly,
    member('viewer'),
    (me, userId) => me.trips.collaborators.setRole(currentTrip, userId, 'admin'),
  ],
  [
    'collaborators.setRole admin → viewer',
    ownerOnly,
    member('admin'),
    (me, userId) => me.trips.collaborators.setRole(currentTrip, userId, 'viewer'),
  ],
  ...(['viewer', 'editor', 'admin'] as const).map(
    (role): Case => [
      `collaborators.remove an ${role}`,
      role === 'admin' ? ownerOnly : managers,
      member(role),
      (me, userId) => me.trips.collaborators.remove(currentTrip, userId),
    ],
  ),
  [
    'collaborators.leave',
    { owner: 'not_found', admin: 'ok', editor: 'ok', viewer: 'ok', stranger: 'not_found' },
    theTrip,
    (me, id) => me.trips.collaborators.leave(id),
  ],
  ...(Object.keys(itemKinds) as ItemKind[]).flatMap((kind): Case[] => [
    [`${kind}.listByTrip`, readers, theTrip, (me, id) => items(me, kind).listByTrip(id)],
    [`${kind}.add`, writers, theTrip, (me, id) => items(me, kind).add(id, itemKinds[kind].add)],
    [`${kind}.update`, writers, existingItem(kind), (me, id) => items(me, kind).update(id, itemKinds[kind].patch)],
    [`${kind}.remove`, writers, existingItem(kind), (me, id) => items(me, kind).remove(id)],
  ]),
]

/** The trip of the case being run (collaborator calls take it besides their target). */
let currentTrip = ''

const actors: Actor[] = ['owner', 'admin', 'editor', 'viewer', 'stranger']

describe.each(cases)('%s', (_name, expected, setUp, call) => {
  it.each(actors)('as %s', async (actor) => {
    const world = await createTripWorld(database)
    currentTrip = world.trip.id
    const target = await setUp(world)
    const before = await tripTableCounts(database)
    const result = await outcome(call(world.as[actor], target))
    expect(result).toBe(expected[actor])
    // A refused call writes nothing.
    if (result !== 'ok') expect(await tripTableCounts(database)).toEqual(before)
  })
})

describe('the service scope', () => {
  it('reads every trip, with relations (RLS does not apply)', async () => {
    const world = await createTripWorld(database)
    await world.as.owner.flights.add(world.trip.id, itemKinds.flights.add)
    const trip = await world.tripsage.service.trips.get(world.trip.id, { include: ['flights', 'collaborators'] })
    expect(trip.flights).toHaveLength(1)
    expect(trip.collaborators).toHaveLength(3)
  })

  it('offers reads only: trips.get and trips.find', async () => {
    const world = await createTripWorld(database)
    expect(Object.keys(world.tripsage.service.trips).sort()).toEqual(['find', 'get'])
  })
})
