export {
  type Accommodation,
  AddAccommodationInput,
  UpdateAccommodationInput,
} from './accommodation-schema.js'
export { BookingStatus } from './booking-status.js'
export {
  AddCollaboratorInput,
  CollaboratorRole,
  type TripCollaborator,
} from './collaborator-schema.js'
export { type CollaboratorsRepository, createCollaboratorsRepository } from './collaborators-repository.js'
export { AddFlightInput, type Flight, FlightClass, UpdateFlightInput } from './flight-schema.js'
export {
  AddItineraryItemInput,
  type ItineraryItem,
  ItineraryItemType,
  UpdateItineraryItemInput,
} from './itinerary-schema.js'
export {
  AddTransportationInput,
  type Transportation,
  TransportationKind,
  UpdateTransportationInput,
} from './transportation-schema.js'
export {
  type AccommodationsRepository,
  createAccommodationsRepository,
  createFlightsRepository,
  createItineraryRepository,
  createTransportationRepository,
  type FlightsRepository,
  type ItineraryRepository,
  type TransportationRepository,
} from './trip-item-repositories.js'
export type { TripItemRepository } from './trip-items-repository.js'
export {
  CreateTripInput,
  GetTripOptions,
  ListTripsInput,
  SortOrder,
  type Trip,
  TripInclude,
  type TripRelations,
  TripSortKey,
  TripStatus,
  TripType,
  type TripWith,
  UpdateTripInput,
} from './trip-schema.js'
export { createTripReader, createTripsRepository, type TripReader, type TripsRepository } from './trips-repository.js'
