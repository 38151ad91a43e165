import { createTestDatabase, createTestUser, type TestDatabase } from '@tripsage/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type UserClient } from '../client.js'
import type { SortOrder, TripSortKey } from './trip-schema.js'

/*
 * Keyset paging is stable while rows are inserted between page fetches: every trip that existed
 * when paging started is returned exactly once, nothing is returned twice, and each page continues
 * where the previous one ended. Start dates come from a small set, so ties (broken by id) are common.
 */

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

const startDate = fc.integer({ min: 1, max: 6 }).map((d) => `2026-07-0${d}`)
const trip = (name: string, start: string) => ({ name, destination: 'X', startDate: start, endDate: '2026-07-31' })

async function newUser(): Promise<{ me: UserClient; id: string }> {
  const user = await createTestUser(database.db)
  return { me: createTripSage({ db: database.db }).forUser(user.claims), id: user.id }
}

describe.each([
  ['startDate', 'asc'],
  ['startDate', 'desc'],
  ['createdAt', 'asc'],
  ['createdAt', 'desc'],
] as [TripSortKey, SortOrder][])('list sorted by %s %s', (sortBy, order) => {
  it('returns every pre-existing trip exactly once while trips are inserted between pages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(startDate, { minLength: 1, maxLength: 14 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.array(startDate, { maxLength: 3 }), { maxLength: 8 }),
        async (initial, limit, insertsBetweenPages) => {
          const { me, id } = await newUser()
          const sharer = await newUser()
          const before = new Set<string>()
          for (const [i, start] of initial.entries()) before.add((await me.trips.create(trip(`t${i}`, start))).id)

          const seen: string[] = []
          let cursor: string | null = null
          let page = 0
          do {
            const result = await me.trips.list({ sortBy, order, limit, ...(cursor ? { cursor } : {}) })
            seen.push(...result.items.map((t) => t.id))
            cursor = result.nextCursor
            // Between pages: the user creates trips, and someone else shares one with them.
            for (const start of insertsBetweenPages[page] ?? []) {
              await me.trips.create(trip('new', start))
              const shared = await sharer.me.trips.create(trip('shared', start))
              await sharer.me.trips.collaborators.add(shared.id, { userId: id })
            }
            page++
          } while (cursor)

          expect(new Set(seen).size).toBe(seen.length)
          for (const tripId of before) expect(seen).toContain(tripId)
        },
      ),
      { numRuns: 12 },
    )
  })
})

it('pages in the order of the sort key then id, continuing exactly where the last page ended', async () => {
  const { me } = await newUser()
  for (let i = 0; i < 9; i++) await me.trips.create(trip(`t${i}`, `2026-07-0${(i % 3) + 1}`))
  const all = (await me.trips.list({ sortBy: 'startDate', order: 'asc', limit: 100 })).items
  const key = (t: { startDate: string; id: string }) => `${t.startDate}|${t.id}`
  expect(all.map(key)).toEqual(all.map(key).sort())
  const first = await me.trips.list({ sortBy: 'startDate', order: 'asc', limit: 4 })
  const second = await me.trips.list({ sortBy: 'startDate', order: 'asc', limit: 4, cursor: first.nextCursor! })
  expect([...first.items, ...second.items].map((t) => t.id)).toEqual(all.slice(0, 8).map((t) => t.id))
})
