import type { Scope } from '../db/scope.js'
import { type Accommodation, AddAccommodationInput, UpdateAccommodationInput } from './accommodation-schema.js'
import { AddFlightInput, type Flight, UpdateFlightInput } from './flight-schema.js'
import { AddItineraryItemInput, type ItineraryItem, UpdateItineraryItemInput } from './itinerary-schema.js'
import { AddTransportationInput, type Transportation, UpdateTransportationInput } from './transportation-schema.js'
import { createTripItemRepository, type TripItemRepository } from './trip-items-repository.js'
import { tripRelations } from './trip-relations.js'

/** `me.flights`: the flights of trips the caller can see. */
export type FlightsRepository = TripItemRepository<Flight, AddFlightInput, UpdateFlightInput>
/** `me.accommodations`: the stays of trips the caller can see. */
export type AccommodationsRepository = TripItemRepository<
  Accommodation,
  AddAccommodationInput,
  UpdateAccommodationInput
>
/** `me.transportation`: the ground and sea transport of trips the caller can see. */
export type TransportationRepository = TripItemRepository<
  Transportation,
  AddTransportationInput,
  UpdateTransportationInput
>
/**
 * `me.itinerary`: the day-by-day plan of trips the caller can see. An item may link a flight or a
 * stay of the same trip (`flightId`, `accommodationId`).
 */
export type ItineraryRepository = TripItemRepository<ItineraryItem, AddItineraryItemInput, UpdateItineraryItemInput>

/**
 * Builds `me.flights` over a scope.
 *
 * @param scope - the scope calls run in
 */
export function createFlightsRepository(scope: Scope): FlightsRepository {
  return createTripItemRepository(scope, {
    relation: tripRelations.flights,
    what: 'flight',
    addSchema: AddFlightInput,
    updateSchema: UpdateFlightInput,
  })
}

/**
 * Builds `me.accommodations` over a scope.
 *
 * @param scope - the scope calls run in
 */
export function createAccommodationsRepository(scope: Scope): AccommodationsRepository {
  return createTripItemRepository(scope, {
    relation: tripRelations.accommodations,
    what: 'accommodation',
    addSchema: AddAccommodationInput,
    updateSchema: UpdateAccommodationInput,
  })
}

/**
 * Builds `me.transportation` over a scope.
 *
 * @param scope - the scope calls run in
 */
export function createTransportationRepository(scope: Scope): TransportationRepository {
  return createTripItemRepository(scope, {
    relation: tripRelations.transportation,
    what: 'transportation',
    addSchema: AddTransportationInput,
    updateSchema: UpdateTransportationInput,
  })
}

/**
 * Builds `me.itinerary` over a scope.
 *
 * @param scope - the scope calls run in
 */
export function createItineraryRepository(scope: Scope): ItineraryRepository {
  return createTripItemRepository(scope, {
    relation: tripRelations.itinerary,
    what: 'itinerary item',
    addSchema: AddItineraryItemInput,
    updateSchema: UpdateItineraryItemInput,
  })
}
