import { type Selectable, sql } from 'kysely'
import { jsonbFromText, jsonbValue } from '../db/json-param.js'
import { oneStatement, runInScope, scopeUserId } from '../db/run-in-scope.js'
import type { TripSageDatabase } from '../db/schema.js'
import type { Scope, ScopedTransaction } from '../db/scope.js'
import { toIsoTimestamp } from '../db/timestamp.js'
import type { JsonValue } from '../json-value.js'
import { parseInput } from '../validation.js'
import { canonicalJson } from './canonical-json.js'
import { searchQueryHash } from './query-hash.js'
import {
  GetSearchCacheInput,
  PutSearchCacheInput,
  type PutSearchCacheOptions,
  type SearchCacheEntry,
  type SearchCacheKind,
  searchCacheTables,
} from './schema.js'

/**
 * `me.searchCache`: the user's cached provider results, keyed by the canonical query. Entries are
 * private to their user and are never returned once expired.
 */
export interface SearchCacheRepository {
  /** The unexpired entry for this query, or null. Key order in `query` does not matter. */
  get(kind: SearchCacheKind, query: JsonValue): Promise<SearchCacheEntry | null>
  /** Stores (or replaces) the entry for this query, expiring `ttlSeconds` from now. */
  put(
    kind: SearchCacheKind,
    query: JsonValue,
    results: JsonValue,
    options: PutSearchCacheOptions,
  ): Promise<SearchCacheEntry>
}

const what = 'search cache entry'

// The four tables share one shape; the queries are written against one of them.
type SearchCacheTable = 'search_destinations'
type SearchCacheRow = Selectable<TripSageDatabase[SearchCacheTable]>

function tableOf(kind: SearchCacheKind): SearchCacheTable {
  return searchCacheTables[kind] as SearchCacheTable
}

function toEntry(kind: SearchCacheKind, row: SearchCacheRow): SearchCacheEntry {
  // Timestamps arrive as `Date` from pg/PGlite although the generated types say `string`.
  type Timestamp = string | Date
  return {
    kind,
    queryHash: row.query_hash,
    query: row.query as JsonValue,
    results: row.results as JsonValue,
    source: row.source,
    expiresAt: toIsoTimestamp(row.expires_at as Timestamp),
    createdAt: toIsoTimestamp(row.created_at as Timestamp),
    updatedAt: toIsoTimestamp(row.updated_at as Timestamp),
  }
}

/**
 * Builds `me.searchCache` over a user scope.
 *
 * @param scope - the user scope (or one bound to an open transaction)
 */
export function createSearchCacheRepository(scope: Scope): SearchCacheRepository {
  const userId = scopeUserId(scope)
  // Each call is one statement: `commit` leaves with it (one round trip on a pipelining driver).
  const run = <T>(fn: (trx: ScopedTransaction) => Promise<T>) => runInScope(scope, what, fn, oneStatement)
  return {
    async get(rawKind, rawQuery) {
      const { kind, query } = parseInput(GetSearchCacheInput, { kind: rawKind, query: rawQuery }, what)
      const queryHash = await searchQueryHash(query)
      const row = await run((trx) =>
        trx
          .selectFrom(tableOf(kind))
          .selectAll()
          .where('user_id', '=', userId)
          .where('query_hash', '=', queryHash)
          // Expiry is decided on the database clock, the same one `put` used.
          .where('expires_at', '>', sql<string>`now()`)
          .executeTakeFirst(),
      )
      return row ? toEntry(kind, row) : null
    },

    async put(rawKind, rawQuery, rawResults, rawOptions) {
      const { kind, query, results, options } = parseInput(
        PutSearchCacheInput,
        { kind: rawKind, query: rawQuery, results: rawResults, options: rawOptions },
        what,
      )
      const queryHash = await searchQueryHash(query)
      const row = await run((trx) =>
        trx
          .insertInto(tableOf(kind))
          .values({
            user_id: userId,
            query_hash: queryHash,
            query: jsonbFromText<string>(canonicalJson(query)),
            results: jsonbValue<string>(results),
            source: options.source ?? null,
            expires_at: sql<string>`now() + ${options.ttlSeconds}::integer * interval '1 second'`,
          })
          .onConflict((conflict) =>
            conflict.columns(['user_id', 'query_hash']).doUpdateSet((eb) => ({
              query: eb.ref('excluded.query'),
              results: eb.ref('excluded.results'),
              source: eb.ref('excluded.source'),
              expires_at: eb.ref('excluded.expires_at'),
            })),
          )
          .returningAll()
          .executeTakeFirstOrThrow(),
      )
      return toEntry(kind, row)
    },
  }
}
