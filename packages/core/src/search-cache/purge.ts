import { sql } from 'kysely'
import { oneStatement, runInScope } from '../db/run-in-scope.js'
import type { Scope } from '../db/scope.js'
import type { PurgedSearchCaches } from './schema.js'

/** `tripsage.service.searchCache`: maintenance across every user's caches. */
export interface SearchCacheMaintenance {
  /**
   * Deletes every expired entry of the four caches in one statement (the `expires_at` indexes
   * find them) and returns how many rows went per kind. Run it from a scheduled job.
   */
  purgeExpired(): Promise<PurgedSearchCaches>
}

const expired = sql<boolean>`expires_at <= now()`

/**
 * Builds `tripsage.service.searchCache` over the service scope.
 *
 * @param scope - the service scope (or one bound to an open transaction)
 */
export function createSearchCacheMaintenance(scope: Scope): SearchCacheMaintenance {
  return {
    async purgeExpired() {
      // One statement: `commit` leaves with it (one round trip on a pipelining driver).
      const row = await runInScope(
        scope,
        'search cache entry',
        (trx) =>
          trx
            .with('destinations', (db) => db.deleteFrom('search_destinations').where(expired).returning('id'))
            .with('flights', (db) => db.deleteFrom('search_flights').where(expired).returning('id'))
            .with('hotels', (db) => db.deleteFrom('search_hotels').where(expired).returning('id'))
            .with('activities', (db) => db.deleteFrom('search_activities').where(expired).returning('id'))
            .selectNoFrom((eb) => [
              eb.selectFrom('destinations').select(sql<number>`count(*)::integer`.as('n')).as('destinations'),
              eb.selectFrom('flights').select(sql<number>`count(*)::integer`.as('n')).as('flights'),
              eb.selectFrom('hotels').select(sql<number>`count(*)::integer`.as('n')).as('hotels'),
              eb.selectFrom('activities').select(sql<number>`count(*)::integer`.as('n')).as('activities'),
            ])
            .executeTakeFirstOrThrow(),
        oneStatement,
      )
      return {
        destinations: Number(row.destinations),
        flights: Number(row.flights),
        hotels: Number(row.hotels),
        activities: Number(row.activities),
      }
    },
  }
}
