import type { TripSageOptions } from './client.js'
import type { Scope } from './db/scope.js'

/**
 * The repositories of a user scope. Each domain adds its entry here (`trips`, `chat`, `memory`…);
 * the same object is built for `forUser(claims)` and, bound to the open transaction, for
 * `me.transaction(fn)`.
 */
// biome-ignore lint/complexity/noBannedTypes: each domain adds its repository here
export type UserRepositories = {}

/** The repositories of the service scope (`tripsage.service`). */
// biome-ignore lint/complexity/noBannedTypes: each domain adds its repository here
export type ServiceRepositories = {}

/**
 * Builds the user-scope repositories over a scope.
 *
 * @param _scope - the user scope (or one bound to an open transaction)
 * @param _ports - the ports passed to `createTripSage`
 */
export function createUserRepositories(_scope: Scope, _ports: TripSageOptions): UserRepositories {
  return {}
}

/**
 * Builds the service-scope repositories.
 *
 * @param _scope - the service scope (or one bound to an open transaction)
 * @param _ports - the ports passed to `createTripSage`
 */
export function createServiceRepositories(_scope: Scope, _ports: TripSageOptions): ServiceRepositories {
  return {}
}
