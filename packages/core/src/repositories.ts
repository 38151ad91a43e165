import type { TripSageOptions } from './client.js'
import type { Scope } from './db/scope.js'
import {
  createMemoryRepository,
  createMemoryServiceRepository,
  type MemoryRepository,
  type MemoryServiceRepository,
} from './memory/repository.js'

/**
 * The repositories of a user scope. Each domain adds its entry here (`trips`, `chat`, `memory`…);
 * the same object is built for `forUser(claims)` and, bound to the open transaction, for
 * `me.transaction(fn)`.
 */
export type UserRepositories = {
  /** Long-term and session memories with semantic and hybrid recall. */
  readonly memory: MemoryRepository
}

/** The repositories of the service scope (`tripsage.service`). */
export type ServiceRepositories = {
  /** Memory maintenance (`purgeExpired`). */
  readonly memory: MemoryServiceRepository
}

/**
 * Builds the user-scope repositories over a scope.
 *
 * @param scope - the user scope (or one bound to an open transaction)
 * @param ports - the ports passed to `createTripSage`
 */
export function createUserRepositories(scope: Scope, ports: TripSageOptions): UserRepositories {
  return { memory: createMemoryRepository(scope, ports) }
}

/**
 * Builds the service-scope repositories.
 *
 * @param scope - the service scope (or one bound to an open transaction)
 * @param ports - the ports passed to `createTripSage`
 */
export function createServiceRepositories(scope: Scope, ports: TripSageOptions): ServiceRepositories {
  return { memory: createMemoryServiceRepository(scope, ports) }
}
