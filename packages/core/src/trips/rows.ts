import type { Tables } from '../db/database.types.js'
import type { JsonObject } from '../fields.js'
import type { Accommodation } from './accommodation-schema.js'
import type { BookingStatus } from './booking-status.js'
import type { CollaboratorRole, TripCollaborator } from './collaborator-schema.js'
import type { Flight, FlightClass } from './flight-schema.js'
import type { ItineraryItem, ItineraryItemType } from './itinerary-schema.js'
import type { Transportation, TransportationKind } from './transportation-schema.js'
import type { Trip, TripStatus, TripType } from './trip-schema.js'

/*
 * Repositories read every row as `to_jsonb(table.*)`: in that form dates are `YYYY-MM-DD`,
 * timestamps ISO strings with full precision and numerics JSON numbers — the exact shape of the
 * generated `Row` types, whatever the driver (pg parses `date` into a local-midnight `Date` and
 * `numeric` into a string; PGlite differs again). These functions map that form to the entities.
 */

/** A `trips` row in its `to_jsonb` form (the generated `Row` type). */
export type TripRow = Tables<'trips'>
/** A `trip_collaborators` row in its `to_jsonb` form. */
export type CollaboratorRow = Tables<'trip_collaborators'>
/** A `flights` row in its `to_jsonb` form. */
export type FlightRow = Tables<'flights'>
/** An `accommodations` row in its `to_jsonb` form. */
export type AccommodationRow = Tables<'accommodations'>
/** A `transportation` row in its `to_jsonb` form. */
export type TransportationRow = Tables<'transportation'>
/** An `itinerary_items` row in its `to_jsonb` form. */
export type ItineraryItemRow = Tables<'itinerary_items'>

/** A timestamp from the database (any offset, microseconds) as a UTC ISO string (`…Z`). */
function timestamp(value: string): string {
  return new Date(value).toISOString()
}

function nullableTimestamp(value: string | null): string | null {
  return value === null ? null : timestamp(value)
}

/** Maps a `trips` row to a {@link Trip}. */
export function toTrip(row: TripRow): Trip {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    destination: row.destination,
    description: row.description,
    startDate: row.start_date,
    endDate: row.end_date,
    budget: row.budget,
    currency: row.currency,
    travelers: row.travelers,
    status: row.status as TripStatus,
    tripType: row.trip_type as TripType,
    flexibility: row.flexibility as JsonObject,
    notes: row.notes,
    tags: row.tags,
    searchMetadata: row.search_metadata as JsonObject,
    createdAt: timestamp(row.created_at),
    updatedAt: timestamp(row.updated_at),
  }
}

/** Maps a `trip_collaborators` row to a {@link TripCollaborator}. */
export function toCollaborator(row: CollaboratorRow): TripCollaborator {
  return {
    id: row.id,
    tripId: row.trip_id,
    userId: row.user_id,
    role: row.role as CollaboratorRole,
    invitedBy: row.invited_by,
    createdAt: timestamp(row.created_at),
    updatedAt: timestamp(row.updated_at),
  }
}

/** Maps a `flights` row to a {@link Flight}. */
export function toFlight(row: FlightRow): Flight {
  return {
    id: row.id,
    tripId: row.trip_id,
    origin: row.origin,
    destination: row.destination,
    departureDate: row.departure_date,
    returnDate: row.return_date,
    departureTime: nullableTimestamp(row.departure_time),
    arrivalTime: nullableTimestamp(row.arrival_time),
    flightClass: row.flight_class as FlightClass,
    price: row.price,
    currency: row.currency,
    airline: row.airline,
    flightNumber: row.flight_number,
    bookingStatus: row.booking_status as BookingStatus,
    externalId: row.external_id,
    metadata: row.metadata as JsonObject,
    createdAt: timestamp(row.created_at),
    updatedAt: timestamp(row.updated_at),
  }
}

/** Maps an `accommodations` row to an {@link Accommodation}. */
export function toAccommodation(row: AccommodationRow): Accommodation {
  return {
    id: row.id,
    tripId: row.trip_id,
    name: row.name,
    address: row.address,
    checkInDate: row.check_in_date,
    checkOutDate: row.check_out_date,
    roomType: row.room_type,
    pricePerNight: row.price_per_night,
    totalPrice: row.total_price,
    currency: row.currency,
    rating: row.rating,
    amenities: row.amenities,
    bookingStatus: row.booking_status as BookingStatus,
    externalId: row.external_id,
    metadata: row.metadata as JsonObject,
    createdAt: timestamp(row.created_at),
    updatedAt: timestamp(row.updated_at),
  }
}

/** Maps a `transportation` row to a {@link Transportation}. */
export function toTransportation(row: TransportationRow): Transportation {
  return {
    id: row.id,
    tripId: row.trip_id,
    kind: row.kind as TransportationKind,
    provider: row.provider,
    origin: row.origin,
    destination: row.destination,
    departureTime: timestamp(row.departure_time),
    arrivalTime: nullableTimestamp(row.arrival_time),
    price: row.price,
    currency: row.currency,
    bookingStatus: row.booking_status as BookingStatus,
    externalId: row.external_id,
    metadata: row.metadata as JsonObject,
    createdAt: timestamp(row.created_at),
    updatedAt: timestamp(row.updated_at),
  }
}

/** Maps an `itinerary_items` row to an {@link ItineraryItem}. */
export function toItineraryItem(row: ItineraryItemRow): ItineraryItem {
  return {
    id: row.id,
    tripId: row.trip_id,
    title: row.title,
    description: row.description,
    itemType: row.item_type as ItineraryItemType,
    day: row.day,
    startTime: nullableTimestamp(row.start_time),
    endTime: nullableTimestamp(row.end_time),
    location: row.location,
    price: row.price,
    currency: row.currency,
    position: row.position,
    flightId: row.flight_id,
    accommodationId: row.accommodation_id,
    createdAt: timestamp(row.created_at),
    updatedAt: timestamp(row.updated_at),
  }
}

/**
 * Renames parsed input keys to their columns (`startDate` → `start_date`) and drops `undefined`,
 * so only the fields the caller gave are written. The keys are known: the input schemas are strict.
 */
export function toColumns(input: object): Record<string, unknown> {
  const columns: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) columns[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value
  }
  return columns
}
