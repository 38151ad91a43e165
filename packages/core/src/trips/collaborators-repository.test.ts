import { randomUUID } from 'node:crypto'
import { createTestDatabase, createTestUser, type TestDatabase } from '@tripsage/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripWorld, errorCode, tripTableCounts } from './trip-world.test-support.js'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

describe('me.trips.collaborators', () => {
  it('add records the role and who invited; role defaults to viewer', async () => {
    const { as, trip, users } = await createTripWorld(database)
    const newcomer = await createTestUser(database.db)
    const added = await as.owner.trips.collaborators.add(trip.id, { userId: newcomer.id })
    expect(added).toMatchObject({ tripId: trip.id, userId: newcomer.id, role: 'viewer', invitedBy: users.owner.id })
    const byAdmin = await as.admin.trips.collaborators.add(trip.id, {
      userId: (await createTestUser(database.db)).id,
      role: 'editor',
    })
    expect(byAdmin).toMatchObject({ role: 'editor', invitedBy: users.admin.id })
  })

  it('list returns every collaborator, oldest first, to anyone with access', async () => {
    const { as, trip, users } = await createTripWorld(database)
    const expected = [users.admin.id, users.editor.id, users.viewer.id]
    for (const actor of ['owner', 'admin', 'editor', 'viewer'] as const) {
      expect((await as[actor].trips.collaborators.list(trip.id)).map((c) => c.userId)).toEqual(expected)
    }
    expect(await errorCode(as.stranger.trips.collaborators.list(trip.id))).toBe('not_found')
    expect(await errorCode(as.owner.trips.collaborators.list(randomUUID()))).toBe('not_found')
  })

  it('add refuses duplicates (conflict), the owner (validation) and unknown users (not_found)', async () => {
    const { as, trip, users } = await createTripWorld(database)
    const before = await tripTableCounts(database)
    expect(await errorCode(as.owner.trips.collaborators.add(trip.id, { userId: users.viewer.id }))).toBe('conflict')
    expect(await errorCode(as.owner.trips.collaborators.add(trip.id, { userId: users.owner.id }))).toBe('validation')
    expect(await errorCode(as.owner.trips.collaborators.add(trip.id, { userId: randomUUID() }))).toBe('not_found')
    expect(await tripTableCounts(database)).toEqual(before)
  })

  it.each([
    ['a non-UUID user', { userId: 'bob' }],
    ['the owner role', { userId: randomUUID(), role: 'owner' }],
    ['invitedBy (mass assignment)', { userId: randomUUID(), invitedBy: randomUUID() }],
    ['a missing userId', { role: 'viewer' }],
  ])('add refuses %s with validation', async (_label, input) => {
    const { as, trip } = await createTripWorld(database)
    const before = await tripTableCounts(database)
    expect(await errorCode(as.owner.trips.collaborators.add(trip.id, input as never))).toBe('validation')
    expect(await tripTableCounts(database)).toEqual(before)
  })

  it('setRole changes the role; a missing membership is not_found; a bad role is validation', async () => {
    const { as, trip, users } = await createTripWorld(database)
    const changed = await as.owner.trips.collaborators.setRole(trip.id, users.viewer.id, 'editor')
    expect(changed).toMatchObject({ userId: users.viewer.id, role: 'editor' })
    expect((await as.viewer.trips.collaborators.list(trip.id)).find((c) => c.userId === users.viewer.id)?.role).toBe(
      'editor',
    )
    expect(await errorCode(as.owner.trips.collaborators.setRole(trip.id, users.stranger.id, 'viewer'))).toBe(
      'not_found',
    )
    expect(await errorCode(as.owner.trips.collaborators.setRole(trip.id, users.viewer.id, 'owner' as never))).toBe(
      'validation',
    )
    expect(await errorCode(as.owner.trips.collaborators.setRole(trip.id, 'x', 'viewer'))).toBe('validation')
  })

  it('remove deletes the membership; the removed user loses access', async () => {
    const { as, trip, users } = await createTripWorld(database)
    await as.owner.trips.collaborators.remove(trip.id, users.editor.id)
    expect(await as.editor.trips.find(trip.id)).toBeNull()
    expect(await errorCode(as.owner.trips.collaborators.remove(trip.id, users.editor.id))).toBe('not_found')
  })

  it('leave removes the caller; the owner cannot leave (not_found: not a collaborator)', async () => {
    const { as, trip } = await createTripWorld(database)
    await as.viewer.trips.collaborators.leave(trip.id)
    expect(await as.viewer.trips.find(trip.id)).toBeNull()
    expect(await errorCode(as.viewer.trips.collaborators.leave(trip.id))).toBe('not_found')
    expect(await errorCode(as.owner.trips.collaborators.leave(trip.id))).toBe('not_found')
    expect(await errorCode(as.stranger.trips.collaborators.leave(trip.id))).toBe('not_found')
    expect(await errorCode(as.viewer.trips.collaborators.leave('nope'))).toBe('validation')
  })
})
