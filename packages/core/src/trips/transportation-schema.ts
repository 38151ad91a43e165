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
  kind: TransportationKind,
  provider: boundedText(0, 200).nullable(),
  origin: boundedText(1, 200).nullable(),
  destination: boundedText(1, 200).nullable(),
  departureTime: IsoTimestamp,
  arrivalTime: IsoTimestamp.nullable(),
  price: Money.nullable(),
  currency: CurrencyCode,
  bookingStatus: BookingStatus,
  externalId: boundedText(0, 1000).nullable(),
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
  id: string
  tripId: string
  kind: TransportationKind
  provider: string | null
  origin: string | null
  destination: string | null
  /** ISO timestamp. */
  departureTime: string
  /** ISO timestamp, not before `departureTime`. */
  arrivalTime: string | null
  price: number | null
  currency: string
  bookingStatus: BookingStatus
  /** The provider's offer or booking id. */
  externalId: string | null
  metadata: JsonObject
  /** ISO timestamp. */
  createdAt: string
  /** ISO timestamp. */
  updatedAt: string
}
