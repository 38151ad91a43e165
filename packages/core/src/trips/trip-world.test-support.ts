import { createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import { sql } from 'kysely'
import { expect } from 'vitest'
import { createTripSage, type TripSage, type UserClient } from '../client.js'
import { TripSageError, type TripSageErrorCode } from '../errors.js'
import type { CreateTripInput, Trip } from './trip-schema.js'

/** The roles of the access matrix. */
export type Actor = 'owner' | 'admin' | 'editor' | 'viewer' | 'stranger'

/** A trip shared with one user per collaborator role, plus a stranger. */
export interface TripWorld {
  readonly tripsage: TripSage
  readonly users: Record<Actor, TestUser>
  readonly as: Record<Actor, UserClient>
  readonly trip: Trip
}

/** A valid trip input; override any field. */
export function tripInput(overrides: Partial<CreateTripInput> = {}): CreateTripInput {
  return {
    name: 'Lisbon',
    destination: 'Lisbon, Portugal',
    startDate: '2026-06-01',
    endDate: '2026-06-07',
    ...overrides,
  }
}

/** Creates the owner's trip and adds an admin, an editor and a viewer. */
export async function createTripWorld(database: TestDatabase): Promise<TripWorld> {
  const tripsage = createTripSage({ db: database.db })
  const users = {} as Record<Actor, TestUser>
  for (const actor of ['owner', 'admin', 'editor', 'viewer', 'stranger'] as const) {
    users[actor] = await createTestUser(database.db)
  }
  const as = Object.fromEntries(
    Object.entries(users).map(([actor, user]) => [actor, tripsage.forUser(user.claims)]),
  ) as Record<Actor, UserClient>
  const trip = await as.owner.trips.create(tripInput())
  for (const role of ['admin', 'editor', 'viewer'] as const) {
    await as.owner.trips.collaborators.add(trip.id, { userId: users[role].id, role })
  }
  return { tripsage, users, as, trip }
}

/** The code of the `TripSageError` a promise rejects with (fails the test on anything else). */
export async function errorCode(promise: Promise<unknown>): Promise<TripSageErrorCode> {
  try {
    await promise
  } catch (error) {
    expect(TripSageError.isInstance(error), String(error)).toBe(true)
    return (error as TripSageError).code
  }
  throw new Error('expected the call to fail')
}

/** Row counts of the trip tables, read as the superuser (to prove nothing was written). */
export async function tripTableCounts(database: TestDatabase): Promise<Record<string, number>> {
  const { rows } = await sql<Record<string, number>>`
    select
      (select count(*)::int from public.trips) as trips,
      (select count(*)::int from public.trip_collaborators) as trip_collaborators,
      (select count(*)::int from public.flights) as flights,
      (select count(*)::int from public.accommodations) as accommodations,
      (select count(*)::int from public.transportation) as transportation,
      (select count(*)::int from public.itinerary_items) as itinerary_items
  `.execute(database.db)
  return rows[0]!
}
