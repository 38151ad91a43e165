import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type TripSage } from '../client.js'
import { TripSageError } from '../errors.js'
import { searchQueryHash } from './query-hash.js'
import { type SearchCacheKind, searchCacheTables } from './schema.js'

let database: TestDatabase
let tripsage: TripSage
let alice: TestUser
let bob: TestUser

const kinds = Object.keys(searchCacheTables) as SearchCacheKind[]

beforeAll(async () => {
  database = await createTestDatabase()
  tripsage = createTripSage({ db: database.db })
  alice = await createTestUser(database.db)
  bob = await createTestUser(database.db)
})

afterAll(() => database.close())

/** Moves an entry's expiry into the past, as time passing would (superuser). */
async function expire(kind: SearchCacheKind, userId: string, query: object) {
  const hash = await searchQueryHash(query as never)
  await sql`update ${sql.table(`public.${searchCacheTables[kind]}`)} set expires_at = now() - interval '1 second'
            where user_id = ${userId} and query_hash = ${hash}`.execute(database.db)
}

async function cacheRowCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select ((select count(*) from public.search_destinations) + (select count(*) from public.search_flights)
          + (select count(*) from public.search_hotels) + (select count(*) from public.search_activities))::integer as n
  `.execute(database.db)
  return rows[0]?.n ?? 0
}

describe('me.searchCache', () => {
  it.each(kinds)('%s: put then get by an equal query in any key order', async (kind) => {
    const me = tripsage.forUser(alice.claims)
    const query = { city: 'Lisbon', dates: { from: '2027-05-01', to: '2027-05-07' }, guests: 2, asked: kind }
    const put = await me.searchCache.put(kind, query, [{ name: 'A' }, { name: 'B' }], {
      ttlSeconds: 600,
      source: 'amadeus',
    })
    expect(put).toMatchObject({ kind, query, results: [{ name: 'A' }, { name: 'B' }], source: 'amadeus' })
    expect(put.queryHash).toBe(await searchQueryHash(query))
    const ttl = Date.parse(put.expiresAt) - Date.parse(put.createdAt)
    expect(ttl).toBeGreaterThanOrEqual(599_000)
    expect(ttl).toBeLessThanOrEqual(601_000)
    const hit = await me.searchCache.get(kind, {
      asked: kind,
      guests: 2,
      dates: { to: '2027-05-07', from: '2027-05-01' },
      city: 'Lisbon',
    })
    expect(hit).toEqual(put)
    // Stored in its own table only.
    for (const other of kinds.filter((k) => k !== kind)) expect(await me.searchCache.get(other, query)).toBeNull()
  })

  it('misses on a different query', async () => {
    const me = tripsage.forUser(alice.claims)
    await me.searchCache.put('hotels', { city: 'Porto' }, [], { ttlSeconds: 60 })
    expect(await me.searchCache.get('hotels', { city: 'porto' })).toBeNull()
    expect(await me.searchCache.get('hotels', { city: 'Porto', stars: 4 })).toBeNull()
  })

  it('upserts: a second put replaces results, source and expiry of the same row', async () => {
    const me = tripsage.forUser(alice.claims)
    const query = { from: 'LIS', to: 'NRT' }
    const first = await me.searchCache.put('flights', query, { offers: 1 }, { ttlSeconds: 60, source: 'a' })
    const second = await me.searchCache.put('flights', query, { offers: 2 }, { ttlSeconds: 3600 })
    expect(second).toMatchObject({
      results: { offers: 2 },
      source: null,
      queryHash: first.queryHash,
      createdAt: first.createdAt,
    })
    expect(Date.parse(second.expiresAt)).toBeGreaterThan(Date.parse(first.expiresAt))
    const rows = await database.db
      .selectFrom('search_flights')
      .select('id')
      .where('user_id', '=', alice.id)
      .where('query_hash', '=', first.queryHash)
      .execute()
    expect(rows).toHaveLength(1)
    expect(await me.searchCache.get('flights', query)).toEqual(second)
  })

  it('never returns an expired entry, and a put revives it', async () => {
    const me = tripsage.forUser(alice.claims)
    const query = { region: 'Algarve' }
    await me.searchCache.put('activities', query, ['surf'], { ttlSeconds: 60 })
    await expire('activities', alice.id, query)
    expect(await me.searchCache.get('activities', query)).toBeNull()
    await me.searchCache.put('activities', query, ['hike'], { ttlSeconds: 60 })
    expect((await me.searchCache.get('activities', query))?.results).toEqual(['hike'])
  })

  it('keeps each user’s cache private, even for the same query', async () => {
    const query = { q: 'Madeira' }
    await tripsage.forUser(alice.claims).searchCache.put('destinations', query, ['alice'], { ttlSeconds: 60 })
    expect(await tripsage.forUser(bob.claims).searchCache.get('destinations', query)).toBeNull()
    await tripsage.forUser(bob.claims).searchCache.put('destinations', query, ['bob'], { ttlSeconds: 60 })
    expect((await tripsage.forUser(alice.claims).searchCache.get('destinations', query))?.results).toEqual(['alice'])
    expect((await tripsage.forUser(bob.claims).searchCache.get('destinations', query))?.results).toEqual(['bob'])
  })

  it('accepts any JSON query and results, nested and unicode', async () => {
    const me = tripsage.forUser(alice.claims)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...kinds),
        fc.jsonValue({ maxDepth: 3 }),
        fc.jsonValue({ maxDepth: 3 }),
        async (kind, query, results) => {
          await me.searchCache.put(kind, query as never, results as never, { ttlSeconds: 60 })
          const hit = await me.searchCache.get(kind, query as never)
          expect(hit?.results).toEqual(JSON.parse(JSON.stringify(results)))
        },
      ),
      { numRuns: 40 },
    )
  })
})

describe('tripsage.service.searchCache.purgeExpired', () => {
  it('deletes only expired entries, of every user, and counts them per kind', async () => {
    await tripsage.service.searchCache.purgeExpired()
    const me = tripsage.forUser(alice.claims)
    const them = tripsage.forUser(bob.claims)
    await me.searchCache.put('flights', { p: 1 }, [], { ttlSeconds: 60 })
    await me.searchCache.put('flights', { p: 2 }, [], { ttlSeconds: 60 })
    await them.searchCache.put('flights', { p: 3 }, [], { ttlSeconds: 60 })
    await me.searchCache.put('hotels', { p: 4 }, [], { ttlSeconds: 60 })
    await me.searchCache.put('hotels', { p: 5 }, [], { ttlSeconds: 60 })
    await expire('flights', alice.id, { p: 1 })
    await expire('flights', bob.id, { p: 3 })
    await expire('hotels', alice.id, { p: 4 })
    const before = await cacheRowCount()
    expect(await tripsage.service.searchCache.purgeExpired()).toEqual({
      destinations: 0,
      flights: 2,
      hotels: 1,
      activities: 0,
    })
    expect(await cacheRowCount()).toBe(before - 3)
    expect(await me.searchCache.get('flights', { p: 2 })).not.toBeNull()
    expect(await me.searchCache.get('hotels', { p: 5 })).not.toBeNull()
    expect(await tripsage.service.searchCache.purgeExpired()).toEqual({
      destinations: 0,
      flights: 0,
      hotels: 0,
      activities: 0,
    })
  })

  it('is not on the user client', () => {
    expect('purgeExpired' in tripsage.forUser(alice.claims).searchCache).toBe(false)
  })
})

describe('bad input never reaches the database (fast-check)', () => {
  async function expectValidation(run: () => Promise<unknown>) {
    const error = await run().then(
      () => null,
      (e: unknown) => e,
    )
    expect(TripSageError.isInstance(error) && error.code, String(error)).toBe('validation')
  }

  const badKind = fc.oneof(
    fc.string().filter((k) => !kinds.includes(k as SearchCacheKind)),
    fc.constantFrom('search_flights', 'Flights', null, 1),
  )
  const notJson = fc.oneof(
    fc.constantFrom(Number.NaN, Number.NEGATIVE_INFINITY, undefined, () => 1, 1n, new Date(0)),
    fc.constantFrom(Number.NaN, undefined).map((v) => ({ a: [v] })),
    fc.constant({ 'k\u0000': 1 }),
    fc.constant(['\uD800']),
  )
  const badOptions = fc.oneof(
    fc
      .oneof(
        fc.integer({ max: 0 }),
        fc.integer({ min: 30 * 24 * 3600 + 1 }),
        fc.double({ min: 0.1, max: 99.9, noInteger: true }),
      )
      .map((ttlSeconds) => ({ ttlSeconds })),
    fc.constantFrom(
      {},
      { ttl: 60 },
      { ttlSeconds: '60' },
      { ttlSeconds: 60, source: '' },
      { ttlSeconds: 60, extra: 1 },
    ),
    fc.string({ minLength: 201, maxLength: 220 }).map((source) => ({ ttlSeconds: 60, source })),
    fc.constantFrom(undefined, null, 60),
  )

  it('get, put: validation and nothing written', async () => {
    const me = tripsage.forUser(alice.claims)
    const before = await cacheRowCount()
    await fc.assert(fc.asyncProperty(badKind, (kind) => expectValidation(() => me.searchCache.get(kind as never, {}))))
    await fc.assert(
      fc.asyncProperty(notJson, (query) => expectValidation(() => me.searchCache.get('flights', query as never))),
    )
    await expectValidation(() => me.searchCache.get('flights', { big: 'x'.repeat(16_384) }))
    await fc.assert(
      fc.asyncProperty(badKind, (kind) =>
        expectValidation(() => me.searchCache.put(kind as never, {}, [], { ttlSeconds: 60 })),
      ),
    )
    await fc.assert(
      fc.asyncProperty(notJson, async (value) => {
        await expectValidation(() => me.searchCache.put('hotels', value as never, [], { ttlSeconds: 60 }))
        await expectValidation(() => me.searchCache.put('hotels', {}, value as never, { ttlSeconds: 60 }))
      }),
    )
    await fc.assert(
      fc.asyncProperty(badOptions, (options) =>
        expectValidation(() => me.searchCache.put('hotels', {}, [], options as never)),
      ),
    )
    expect(await cacheRowCount()).toBe(before)
  })
})
