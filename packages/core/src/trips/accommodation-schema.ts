import { z } from 'zod'
import {
  boundedText,
  CurrencyCode,
  IsoDate,
  type JsonObject,
  JsonObject as JsonObjectSchema,
  Money,
  PlainText,
} from '../fields.js'
import { BookingStatus } from './booking-status.js'
import { notEmpty, ordered } from './cross-field-checks.js'

const accommodationFields = z.strictObject({
  /** The property name, 1–200 characters. */
  name: boundedText(1, 200),
  /** Street address; null when unknown. */
  address: boundedText(0, 1000).nullable(),
  /** `YYYY-MM-DD`. */
  checkInDate: IsoDate,
  /** `YYYY-MM-DD`, after `checkInDate`. */
  checkOutDate: IsoDate,
  /** e.g. `double`; null when unknown. */
  roomType: boundedText(0, 200).nullable(),
  /** Amount in `currency`, ≥ 0. */
  pricePerNight: Money,
  /** Amount in `currency`, ≥ 0. */
  totalPrice: Money,
  /** ISO 4217 code, e.g. `USD` (default `USD`). */
  currency: CurrencyCode,
  /** `numeric(2, 1)` between 0 and 5: one decimal. */
  rating: z.number().multipleOf(0.1).min(0).max(5).nullable(),
  /** e.g. `wifi`, `breakfast`. */
  amenities: z.array(PlainText),
  /** Where the booking stands (default `available`). */
  bookingStatus: BookingStatus,
  /** The provider's offer or booking id. */
  externalId: boundedText(0, 1000).nullable(),
  /** Free-form provider data (a JSON object). */
  metadata: JsonObjectSchema,
})

/** `accommodations_dates_check`: check-out is strictly after check-in. */
const checkOutAfterCheckIn = ordered('checkInDate', 'checkOutDate', { strict: true })

/**
 * Input of `me.accommodations.add`: `name`, `checkInDate`, `checkOutDate`, `pricePerNight` and
 * `totalPrice` are required. Strict: `id`, `tripId` and unknown keys are a `validation` error.
 */
export const AddAccommodationInput = accommodationFields
  .partial()
  .required({ name: true, checkInDate: true, checkOutDate: true, pricePerNight: true, totalPrice: true })
  .superRefine(checkOutAfterCheckIn)
/** Input of `me.accommodations.add`; see the {@link AddAccommodationInput} schema. */
export type AddAccommodationInput = z.input<typeof AddAccommodationInput>

/** Input of `me.accommodations.update`: any non-empty subset of the fields of {@link AddAccommodationInput}. */
export const UpdateAccommodationInput = accommodationFields
  .partial()
  .refine(notEmpty, { message: 'nothing to update' })
  .superRefine(checkOutAfterCheckIn)
/** Input of `me.accommodations.update`; see the {@link UpdateAccommodationInput} schema. */
export type UpdateAccommodationInput = z.input<typeof UpdateAccommodationInput>

/** A stay (hotel, rental…) of a trip. */
export interface Accommodation {
  /** The stay id (UUID). */
  id: string
  /** The trip it belongs to. */
  tripId: string
  /** The property name. */
  name: string
  /** Street address. */
  address: string | null
  /** `YYYY-MM-DD`. */
  checkInDate: string
  /** `YYYY-MM-DD`, after `checkInDate`. */
  checkOutDate: string
  /** e.g. `double`. */
  roomType: string | null
  /** Amount in `currency`. */
  pricePerNight: number
  /** Amount in `currency`. */
  totalPrice: number
  /** ISO 4217 code. */
  currency: string
  /** 0–5, one decimal. */
  rating: number | null
  /** e.g. `wifi`, `breakfast`. */
  amenities: string[]
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
