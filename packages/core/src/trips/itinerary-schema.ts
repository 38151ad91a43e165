import { z } from 'zod'
import { boundedText, CurrencyCode, EntityId, Int32, IsoDate, IsoTimestamp, Money } from '../fields.js'
import { notEmpty, ordered } from './cross-field-checks.js'

/** What an itinerary entry is (`itinerary_items_item_type_check`). */
export const ItineraryItemType = z.enum(['activity', 'meal', 'transport', 'accommodation', 'flight', 'note', 'other'])
/** What an itinerary entry is. */
export type ItineraryItemType = z.infer<typeof ItineraryItemType>

const itineraryFields = z.strictObject({
  /** 1–200 characters. */
  title: boundedText(1, 200),
  /** Up to 4000 characters; null to clear. */
  description: boundedText(0, 4000).nullable(),
  /** What kind of item it is. */
  itemType: ItineraryItemType,
  /** `YYYY-MM-DD`; null when not scheduled on a day. */
  day: IsoDate.nullable(),
  /** ISO timestamp; null when unscheduled. */
  startTime: IsoTimestamp.nullable(),
  /** ISO timestamp, not before `startTime`. */
  endTime: IsoTimestamp.nullable(),
  /** Where it happens; null when unknown. */
  location: boundedText(0, 1000).nullable(),
  /** Amount in `currency`, ≥ 0; null when free or unknown. */
  price: Money.nullable(),
  /** ISO 4217 code, e.g. `USD` (default `USD`). */
  currency: CurrencyCode,
  /** Sort order within a day (ascending). */
  position: Int32,
  /** A flight of the same trip (composite foreign key); null to unlink. */
  flightId: EntityId.nullable(),
  /** A stay of the same trip (composite foreign key); null to unlink. */
  accommodationId: EntityId.nullable(),
})

/** `itinerary_items_times_check`: the end is not before the start. */
const endsAfterStart = ordered('startTime', 'endTime', { instant: true })

/**
 * Input of `me.itinerary.add`: `title` is required. `flightId`/`accommodationId` must name a
 * booking of the same trip (else `not_found`). Strict: `id`, `tripId` and unknown keys are a
 * `validation` error.
 */
export const AddItineraryItemInput = itineraryFields.partial().required({ title: true }).superRefine(endsAfterStart)
/** Input of `me.itinerary.add`; see the {@link AddItineraryItemInput} schema. */
export type AddItineraryItemInput = z.input<typeof AddItineraryItemInput>

/** Input of `me.itinerary.update`: any non-empty subset of the fields of {@link AddItineraryItemInput}. */
export const UpdateItineraryItemInput = itineraryFields
  .partial()
  .refine(notEmpty, { message: 'nothing to update' })
  .superRefine(endsAfterStart)
/** Input of `me.itinerary.update`; see the {@link UpdateItineraryItemInput} schema. */
export type UpdateItineraryItemInput = z.input<typeof UpdateItineraryItemInput>

/** An entry of a trip's day-by-day plan. */
export interface ItineraryItem {
  /** The item id (UUID). */
  id: string
  /** The trip it belongs to. */
  tripId: string
  /** What it is. */
  title: string
  /** Null when not set. */
  description: string | null
  /** What kind of item it is. */
  itemType: ItineraryItemType
  /** `YYYY-MM-DD`; null when not scheduled on a day. */
  day: string | null
  /** ISO timestamp. */
  startTime: string | null
  /** ISO timestamp, not before `startTime`. */
  endTime: string | null
  /** Where it happens. */
  location: string | null
  /** Amount in `currency`. */
  price: number | null
  /** ISO 4217 code. */
  currency: string
  /** Sort order within a day (ascending). */
  position: number
  /** The linked flight of the same trip. */
  flightId: string | null
  /** The linked stay of the same trip. */
  accommodationId: string | null
  /** ISO timestamp. */
  createdAt: string
  /** ISO timestamp. */
  updatedAt: string
}
