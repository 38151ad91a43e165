import { z } from 'zod'
import {
  boundedText,
  CurrencyCode,
  IsoDate,
  IsoTimestamp,
  type JsonObject,
  JsonObject as JsonObjectSchema,
  Money,
} from '../fields.js'
import { BookingStatus } from './booking-status.js'
import { notEmpty, ordered } from './cross-field-checks.js'

/** A cabin class (`flights_flight_class_check`). */
export const FlightClass = z.enum(['economy', 'premium_economy', 'business', 'first'])
/** A cabin class: `economy`, `premium_economy`, `business` or `first`. */
export type FlightClass = z.infer<typeof FlightClass>

const flightFields = z.strictObject({
  /** Departure airport or city, 1–200 characters. */
  origin: boundedText(1, 200),
  /** Arrival airport or city, 1–200 characters. */
  destination: boundedText(1, 200),
  /** `YYYY-MM-DD`. */
  departureDate: IsoDate,
  /** `YYYY-MM-DD`, on or after `departureDate`; null for one-way. */
  returnDate: IsoDate.nullable(),
  /** ISO timestamp; null when unknown. */
  departureTime: IsoTimestamp.nullable(),
  /** ISO timestamp, not before `departureTime`. */
  arrivalTime: IsoTimestamp.nullable(),
  /** Default `economy`. */
  flightClass: FlightClass,
  /** Amount in `currency`, ≥ 0. */
  price: Money,
  /** ISO 4217 code, e.g. `USD` (default `USD`). */
  currency: CurrencyCode,
  /** Carrier name; null when unknown. */
  airline: boundedText(0, 200).nullable(),
  /** e.g. `TP 1351`; null when unknown. */
  flightNumber: boundedText(0, 50).nullable(),
  /** Where the booking stands (default `available`). */
  bookingStatus: BookingStatus,
  /** The provider's offer or booking id. */
  externalId: boundedText(0, 1000).nullable(),
  /** Free-form provider data (a JSON object). */
  metadata: JsonObjectSchema,
})

const flightChecks = [
  ordered('departureDate', 'returnDate'),
  ordered('departureTime', 'arrivalTime', { instant: true }),
]

/**
 * Input of `me.flights.add`: `origin`, `destination`, `departureDate` and `price` are required;
 * the rest take the column defaults (`economy`, `USD`, `available`). Strict: `id`, `tripId` and
 * unknown keys are a `validation` error.
 */
export const AddFlightInput = flightFields
  .partial()
  .required({ origin: true, destination: true, departureDate: true, price: true })
  .superRefine((value, ctx) => {
    for (const check of flightChecks) check(value, ctx)
  })
/** Input of `me.flights.add`; see the {@link AddFlightInput} schema. */
export type AddFlightInput = z.input<typeof AddFlightInput>

/** Input of `me.flights.update`: any non-empty subset of the fields of {@link AddFlightInput}. */
export const UpdateFlightInput = flightFields
  .partial()
  .refine(notEmpty, { message: 'nothing to update' })
  .superRefine((value, ctx) => {
    for (const check of flightChecks) check(value, ctx)
  })
/** Input of `me.flights.update`; see the {@link UpdateFlightInput} schema. */
export type UpdateFlightInput = z.input<typeof UpdateFlightInput>

/** A flight of a trip. */
export interface Flight {
  /** The flight id (UUID). */
  id: string
  /** The trip it belongs to. */
  tripId: string
  /** Departure airport or city. */
  origin: string
  /** Arrival airport or city. */
  destination: string
  /** `YYYY-MM-DD`. */
  departureDate: string
  /** `YYYY-MM-DD`, on or after `departureDate`; null for one-way. */
  returnDate: string | null
  /** ISO timestamp. */
  departureTime: string | null
  /** ISO timestamp, not before `departureTime`. */
  arrivalTime: string | null
  /** The cabin class. */
  flightClass: FlightClass
  /** Amount in `currency`. */
  price: number
  /** ISO 4217 code. */
  currency: string
  /** Carrier name. */
  airline: string | null
  /** e.g. `TP 1351`. */
  flightNumber: string | null
  /** Where the booking stands. */
  bookingStatus: BookingStatus
  /** The provider's offer or booking id. */
  externalId: string | null
  /** Free-form provider data (a JSON object). */
  metadata: JsonObject
  /** ISO timestamp. */
  createdAt: string
  /** ISO timestamp. */
  updatedAt: string
}
