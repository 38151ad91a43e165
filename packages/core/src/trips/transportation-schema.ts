import { z } from 'zod'
import {
  boundedText,
  CurrencyCode,
  IsoTimestamp,
  type JsonObject,
  JsonObject as JsonObjectSchema,
  Money,
} from '../fields.js'
import { BookingStatus } from './booking-status.js'
import { notEmpty, ordered } from './cross-field-checks.js'

/** A kind of ground or sea transport (`transportation_kind_check`). */
export const TransportationKind = z.enum([
  'car_rental',
  'train',
  'bus',
  'ferry',
  'taxi',
  'rideshare',
  'transfer',
  'other',
])
/** A kind of ground or sea transport. */
export type TransportationKind = z.infer<typeof TransportationKind>

const transportationFields = z.strictObject({
  /** What it is: `train`, `bus`, `ferry`, `car_rental`, `taxi`… */
  kind: TransportationKind,
  /** The operator; null when unknown. */
  provider: boundedText(0, 200).nullable(),
  /** Where it leaves from; null when unknown. */
  origin: boundedText(1, 200).nullable(),
  /** Where it arrives; null when unknown. */
  destination: boundedText(1, 200).nullable(),
  /** ISO timestamp. */
  departureTime: IsoTimestamp,
  /** ISO timestamp, not before `departureTime`. */
  arrivalTime: IsoTimestamp.nullable(),
  /** Amount in `currency`, ≥ 0; null when unknown. */
  price: Money.nullable(),
  /** ISO 4217 code, e.g. `USD` (default `USD`). */
  currency: CurrencyCode,
  /** Where the booking stands (default `available`). */
  bookingStatus: BookingStatus,
  /** The provider's offer or booking id. */
  externalId: boundedText(0, 1000).nullable(),
  /** Free-form provider data (a JSON object). */
  metadata: JsonObjectSchema,
})

/** `transportation_times_check`: arrival is not before departure. */
const arrivesAfterDeparture = ordered('departureTime', 'arrivalTime', { instant: true })

/**
 * Input of `me.transportation.add`: `kind` and `departureTime` are required. Strict: `id`, `tripId`
 * and unknown keys are a `validation` error.
 */
export const AddTransportationInput = transportationFields
  .partial()
  .required({ kind: true, departureTime: true })
  .superRefine(arrivesAfterDeparture)
/** Input of `me.transportation.add`; see the {@link AddTransportationInput} schema. */
export type AddTransportationInput = z.input<typeof AddTransportationInput>

/** Input of `me.transportation.update`: any non-empty subset of the fields of {@link AddTransportationInput}. */
export const UpdateTransportationInput = transportationFields
  .partial()
  .refine(notEmpty, { message: 'nothing to update' })
  .superRefine(arrivesAfterDeparture)
/** Input of `me.transportation.update`; see the {@link UpdateTransportationInput} schema. */
export type UpdateTransportationInput = z.input<typeof UpdateTransportationInput>

/** A car rental, train, bus, ferry, taxi… of a trip. */
export interface Transportation {
  /** The id (UUID). */
  id: string
  /** The trip it belongs to. */
  tripId: string
  /** What it is. */
  kind: TransportationKind
  /** The operator. */
  provider: string | null
  /** Where it leaves from. */
  origin: string | null
  /** Where it arrives. */
  destination: string | null
  /** ISO timestamp. */
  departureTime: string
  /** ISO timestamp, not before `departureTime`. */
  arrivalTime: string | null
  /** Amount in `currency`. */
  price: number | null
  /** ISO 4217 code. */
  currency: string
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
