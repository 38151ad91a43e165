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
  name: boundedText(1, 200),
  address: boundedText(0, 1000).nullable(),
  checkInDate: IsoDate,
  checkOutDate: IsoDate,
  roomType: boundedText(0, 200).nullable(),
  pricePerNight: Money,
  totalPrice: Money,
  currency: CurrencyCode,
  /** `numeric(2, 1)` between 0 and 5: one decimal. */
  rating: z.number().multipleOf(0.1).min(0).max(5).nullable(),
  amenities: z.array(PlainText),
  bookingStatus: BookingStatus,
  externalId: boundedText(0, 1000).nullable(),
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
  id: string
  tripId: string
  name: string
  address: string | null
  /** `YYYY-MM-DD`. */
  checkInDate: string
  /** `YYYY-MM-DD`, after `checkInDate`. */
  checkOutDate: string
  roomType: string | null
  pricePerNight: number
  totalPrice: number
  currency: string
  /** 0–5, one decimal. */
  rating: number | null
  amenities: string[]
  bookingStatus: BookingStatus
  /** The provider's offer or booking id. */
  externalId: string | null
  metadata: JsonObject
  /** ISO timestamp. */
  createdAt: string
  /** ISO timestamp. */
  updatedAt: string
}
