import type { TripSageOptions } from './client.js'
import type { Scope } from './db/scope.js'
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
}

/** The repositories of the service scope (`tripsage.service`). */
export type ServiceRepositories = {
  /** Reads any trip (RLS does not apply: check ownership yourself). */
  readonly trips: TripReader
}

/**
 * Builds the user-scope repositories over a scope.
 *
 * @param scope - the user scope (or one bound to an open transaction)
 * @param _ports - the ports passed to `createTripSage`
 */
export function createUserRepositories(scope: Scope, _ports: TripSageOptions): UserRepositories {
  return {
    trips: createTripsRepository(scope),
    flights: createFlightsRepository(scope),
    accommodations: createAccommodationsRepository(scope),
    transportation: createTransportationRepository(scope),
    itinerary: createItineraryRepository(scope),
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
    trips: createTripReader(scope),
  }
}
