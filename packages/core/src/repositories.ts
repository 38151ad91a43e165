import { type AttachmentsRepository, createAttachmentsRepository } from './attachments/repository.js'
import {
  type AttachmentsServiceRepository,
  createAttachmentsServiceRepository,
} from './attachments/service-repository.js'
import { type ChatRepository, createChatRepository } from './chat/repository.js'
import type { TripSageOptions } from './client.js'
import type { Scope } from './db/scope.js'
import { createUserKeysRepository, type UserKeysRepository } from './keys/repository.js'
import { createKeysServiceRepository, type KeysServiceRepository } from './keys/service-repository.js'
import { createMemoryRepository, type MemoryRepository } from './memory/repository.js'
import { createMemoryServiceRepository, type MemoryServiceRepository } from './memory/service-repository.js'
import { createSearchCacheMaintenance, type SearchCacheMaintenance } from './search-cache/purge.js'
import { createSearchCacheRepository, type SearchCacheRepository } from './search-cache/repository.js'
import {
  type AccommodationsRepository,
  createAccommodationsRepository,
  createFlightsRepository,
  createItineraryRepository,
  createTransportationRepository,
  createTripReader,
  createTripsRepository,
  type FlightsRepository,
  type ItineraryRepository,
  type TransportationRepository,
  type TripReader,
  type TripsRepository,
} from './trips/index.js'

/**
 * The repositories of a user scope. Each domain adds its entry here (`trips`, `chat`, `memory`…);
 * the same object is built for `forUser(claims)` and, bound to the open transaction, for
 * `me.transaction(fn)`.
 */
export type UserRepositories = {
  /** Trips the user owns or collaborates on, with `trips.collaborators`. */
  readonly trips: TripsRepository
  /** Flights of those trips. */
  readonly flights: FlightsRepository
  /** Stays of those trips. */
  readonly accommodations: AccommodationsRepository
  /** Ground and sea transport of those trips. */
  readonly transportation: TransportationRepository
  /** Itinerary items of those trips. */
  readonly itinerary: ItineraryRepository
  /** Files on trips and chat messages (Storage objects + metadata rows + signed URLs). */
  readonly attachments: AttachmentsRepository
  /** The user's stored provider keys: metadata only. */
  readonly keys: UserKeysRepository
  /** Chat sessions, messages and tool calls. */
  readonly chat: ChatRepository
  /** The user's cached search results. */
  readonly searchCache: SearchCacheRepository
  /** Long-term and session memories with semantic and hybrid recall. */
  readonly memory: MemoryRepository
}

/** The repositories of the service scope (`tripsage.service`). */
export type ServiceRepositories = {
  /** Reads any trip (RLS does not apply: check ownership yourself). */
  readonly trips: TripReader
  /** Virus scan results and the cleanup of stale uploads. */
  readonly attachments: AttachmentsServiceRepository
  /** Users' provider keys in Vault (BYOK). */
  readonly keys: KeysServiceRepository
  /** Search cache maintenance (purging expired entries of every user). */
  readonly searchCache: SearchCacheMaintenance
  /** Memory maintenance (`purgeExpired`). */
  readonly memory: MemoryServiceRepository
}

/**
 * Builds the user-scope repositories over a scope.
 *
 * @param scope - the user scope (or one bound to an open transaction)
 * @param ports - the ports passed to `createTripSage`
 * @param service - a service scope with the same call limits, for the few steps only the service
 *   may take on the user's behalf (completing a verified upload)
 */
export function createUserRepositories(scope: Scope, ports: TripSageOptions, service: Scope): UserRepositories {
  return {
    trips: createTripsRepository(scope),
    flights: createFlightsRepository(scope),
    accommodations: createAccommodationsRepository(scope),
    transportation: createTransportationRepository(scope),
    itinerary: createItineraryRepository(scope),
    attachments: createAttachmentsRepository(scope, ports, service),
    keys: createUserKeysRepository(scope, ports),
    chat: createChatRepository(scope),
    searchCache: createSearchCacheRepository(scope),
    memory: createMemoryRepository(scope, ports),
  }
}

/**
 * Builds the service-scope repositories.
 *
 * @param scope - the service scope (or one bound to an open transaction)
 * @param ports - the ports passed to `createTripSage`
 */
export function createServiceRepositories(scope: Scope, ports: TripSageOptions): ServiceRepositories {
  return {
    trips: createTripReader(scope),
    attachments: createAttachmentsServiceRepository(scope, ports),
    keys: createKeysServiceRepository(scope, ports),
    searchCache: createSearchCacheMaintenance(scope),
    memory: createMemoryServiceRepository(scope, ports),
  }
}
