import type { Kysely } from 'kysely'
import { describe, expectTypeOf, it } from 'vitest'
import { createTripSage } from '../client.js'
import type { TripSageDatabase } from '../db/schema.js'
import type { JsonValue } from '../json-value.js'
import type { PurgedSearchCaches, SearchCacheEntry, SearchCacheKind } from './schema.js'

const tripsage = createTripSage({ db: {} as Kysely<TripSageDatabase> })
const me = tripsage.forUser({ sub: crypto.randomUUID() })

describe('search cache entries come back typed', () => {
  it('get / put / purgeExpired', () => {
    expectTypeOf(me.searchCache.get('flights', { from: 'LIS' })).resolves.toEqualTypeOf<SearchCacheEntry | null>()
    expectTypeOf(me.searchCache.put('hotels', {}, [], { ttlSeconds: 60 })).resolves.toEqualTypeOf<SearchCacheEntry>()
    expectTypeOf(tripsage.service.searchCache.purgeExpired()).resolves.toEqualTypeOf<PurgedSearchCaches>()
    expectTypeOf<PurgedSearchCaches>().toEqualTypeOf<
      Record<'destinations' | 'flights' | 'hotels' | 'activities', number>
    >()
    expectTypeOf<SearchCacheEntry['results']>().toEqualTypeOf<JsonValue>()
    expectTypeOf<SearchCacheEntry['kind']>().toEqualTypeOf<SearchCacheKind>()
  })

  it('refuses wrong input at compile time', () => {
    // @ts-expect-error: not a kind
    void me.searchCache.get('trains', {})
    // @ts-expect-error: ttlSeconds is required
    void me.searchCache.put('hotels', {}, [], {})
    // @ts-expect-error: not JSON
    void me.searchCache.put('hotels', {}, new Map(), { ttlSeconds: 1 })
    // @ts-expect-error: maintenance is service-only
    void me.searchCache.purgeExpired
  })
})
