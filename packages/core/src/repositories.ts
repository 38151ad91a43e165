import { type ChatRepository, createChatRepository } from './chat/repository.js'
import type { TripSageOptions } from './client.js'
import type { Scope } from './db/scope.js'
import { createSearchCacheMaintenance, type SearchCacheMaintenance } from './search-cache/purge.js'
import { createSearchCacheRepository, type SearchCacheRepository } from './search-cache/repository.js'

/**
 * The repositories of a user scope. Each domain adds its entry here (`trips`, `chat`, `memory`…);
 * the same object is built for `forUser(claims)` and, bound to the open transaction, for
 * `me.transaction(fn)`.
 */
export type UserRepositories = {
  /** Chat sessions, messages and tool calls. */
  readonly chat: ChatRepository
  /** The user's cached search results. */
  readonly searchCache: SearchCacheRepository
}

/** The repositories of the service scope (`tripsage.service`). */
export type ServiceRepositories = {
  /** Search cache maintenance (purging expired entries of every user). */
  readonly searchCache: SearchCacheMaintenance
}

/**
 * Builds the user-scope repositories over a scope.
 *
 * @param scope - the user scope (or one bound to an open transaction)
 * @param _ports - the ports passed to `createTripSage`
 */
export function createUserRepositories(scope: Scope, _ports: TripSageOptions): UserRepositories {
  return {
    chat: createChatRepository(scope),
    searchCache: createSearchCacheRepository(scope),
  }
}

/**
 * Builds the service-scope repositories.
 *
 * @param scope - the service scope (or one bound to an open transaction)
 * @param _ports - the ports passed to `createTripSage`
 */
export function createServiceRepositories(scope: Scope, _ports: TripSageOptions): ServiceRepositories {
  return {
    searchCache: createSearchCacheMaintenance(scope),
  }
}
