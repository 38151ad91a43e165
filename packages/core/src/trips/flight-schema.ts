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
  origin: boundedText(1, 200),
  destination: boundedText(1, 200),
  departureDate: IsoDate,
  returnDate: IsoDate.nullable(),
  departureTime: IsoTimestamp.nullable(),
  arrivalTime: IsoTimestamp.nullable(),
  flightClass: FlightClass,
  price: Money,
  currency: CurrencyCode,
  airline: boundedText(0, 200).nullable(),
  flightNumber: boundedText(0, 50).nullable(),
  bookingStatus: BookingStatus,
  externalId: boundedText(0, 1000).nullable(),
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
  id: string
  tripId: string
  origin: string
  destination: string
  /** `YYYY-MM-DD`. */
  departureDate: string
  /** `YYYY-MM-DD`, on or after `departureDate`; null for one-way. */
  returnDate: string | null
  /** ISO timestamp. */
  departureTime: string | null
  /** ISO timestamp, not before `departureTime`. */
  arrivalTime: string | null
  flightClass: FlightClass
  price: number
  currency: string
  airline: string | null
  flightNumber: string | null
  bookingStatus: BookingStatus
  /** The provider's offer or booking id. */
  externalId: string | null
  metadata: JsonObject
  /** ISO timestamp. */
  createdAt: string
  /** ISO timestamp. */
  updatedAt: string
}
