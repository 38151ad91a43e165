import { z } from 'zod'
import { codePointLength, isStorableText, JsonValue } from '../json-value.js'
import { canonicalJson } from './canonical-json.js'

/** Which search cache: each kind is one table (`flights` → `search_flights`, …). */
export const SearchCacheKind = z.enum(['destinations', 'flights', 'hotels', 'activities'])
/** Which search cache; see {@link SearchCacheKind}. */
export type SearchCacheKind = z.infer<typeof SearchCacheKind>

/** The table behind each {@link SearchCacheKind}. */
export const searchCacheTables = {
  /** Destination searches. */
  destinations: 'search_destinations',
  /** Flight searches. */
  flights: 'search_flights',
  /** Hotel searches. */
  hotels: 'search_hotels',
  /** Activity searches. */
  activities: 'search_activities',
} as const satisfies Record<SearchCacheKind, string>

/** Longest canonical query JSON, in UTF-16 units: a query is a key, not a payload. */
export const SEARCH_QUERY_MAX_LENGTH = 16_384

/** Longest time to live: 30 days. */
export const SEARCH_CACHE_MAX_TTL_SECONDS = 30 * 24 * 60 * 60

/** A search query: any JSON value whose canonical JSON is at most {@link SEARCH_QUERY_MAX_LENGTH} long. */
export const SearchQuery = JsonValue.refine((query) => canonicalJson(query).length <= SEARCH_QUERY_MAX_LENGTH, {
  message: `canonical JSON must be at most ${SEARCH_QUERY_MAX_LENGTH} characters`,
})

/** What `me.searchCache.get(kind, query)` parses. */
export const GetSearchCacheInput = z.strictObject({
  /** Which cache (table) to read. */
  kind: SearchCacheKind,
  /** The query; entries are keyed by the SHA-256 of its canonical JSON. */
  query: SearchQuery,
})
/** What `me.searchCache.get` parses; see {@link GetSearchCacheInput}. */
export type GetSearchCacheInput = z.input<typeof GetSearchCacheInput>

/** Options of `me.searchCache.put`. */
export const PutSearchCacheOptions = z.strictObject({
  /** Seconds until the entry expires: an integer, 1 to 30 days. Counted on the database clock. */
  ttlSeconds: z.number().int().min(1).max(SEARCH_CACHE_MAX_TTL_SECONDS),
  /** The provider that produced the results (1–200 characters). */
  source: z
    .string()
    .refine(isStorableText, { message: 'must not contain NUL characters or unpaired UTF-16 surrogates' })
    .refine((s) => codePointLength(s) >= 1 && codePointLength(s) <= 200, { message: 'must be 1–200 characters' })
    .optional(),
})
/** Options of `me.searchCache.put`; see {@link PutSearchCacheOptions}. */
export type PutSearchCacheOptions = z.input<typeof PutSearchCacheOptions>

/** What `me.searchCache.put(kind, query, results, options)` parses. */
export const PutSearchCacheInput = z.strictObject({
  /** Which cache (table) to write. */
  kind: SearchCacheKind,
  /** The query the results answer. */
  query: SearchQuery,
  /** Any JSON value. */
  results: JsonValue,
  /** Time to live and source. */
  options: PutSearchCacheOptions,
})
/** What `me.searchCache.put` parses; see {@link PutSearchCacheInput}. */
export type PutSearchCacheInput = z.input<typeof PutSearchCacheInput>

/** A cached search. */
export interface SearchCacheEntry {
  /** Which cache it is in. */
  readonly kind: SearchCacheKind
  /** SHA-256 hex of the canonical query JSON. */
  readonly queryHash: string
  /** The query, as stored. */
  readonly query: JsonValue
  /** The cached results. */
  readonly results: JsonValue
  /** The provider that produced them. */
  readonly source: string | null
  /** ISO timestamp; the entry is ignored after it. */
  readonly expiresAt: string
  /** ISO timestamp. */
  readonly createdAt: string
  /** ISO timestamp. */
  readonly updatedAt: string
}

/** Rows deleted by `tripsage.service.searchCache.purgeExpired()`, per kind (= per table). */
export type PurgedSearchCaches = Record<SearchCacheKind, number>
