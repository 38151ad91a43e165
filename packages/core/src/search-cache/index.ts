export { canonicalJson } from './canonical-json.js'
export { createSearchCacheMaintenance, type SearchCacheMaintenance } from './purge.js'
export { searchQueryHash } from './query-hash.js'
export { createSearchCacheRepository, type SearchCacheRepository } from './repository.js'
export {
  GetSearchCacheInput,
  type PurgedSearchCaches,
  PutSearchCacheInput,
  PutSearchCacheOptions,
  SEARCH_CACHE_MAX_TTL_SECONDS,
  SEARCH_QUERY_MAX_LENGTH,
  type SearchCacheEntry,
  SearchCacheKind,
  SearchQuery,
  searchCacheTables,
} from './schema.js'
