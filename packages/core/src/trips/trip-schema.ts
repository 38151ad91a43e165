import { z } from 'zod'
import {
  boundedText,
  CurrencyCode,
  IsoDate,
  type JsonObject,
  JsonObject as JsonObjectSchema,
  PlainText,
  PositiveMoney,
} from '../fields.js'
import { PageLimit } from '../pagination.js'
import type { Accommodation } from './accommodation-schema.js'
import type { TripCollaborator } from './collaborator-schema.js'
import { notEmpty, ordered } from './cross-field-checks.js'
import type { Flight } from './flight-schema.js'
import type { ItineraryItem } from './itinerary-schema.js'
import type { Transportation } from './transportation-schema.js'

/** Where a trip stands (`trips_status_check`). */
export const TripStatus = z.enum(['planning', 'booked', 'completed', 'cancelled'])
/** Where a trip stands: `planning`, `booked`, `completed` or `cancelled`. */
export type TripStatus = z.infer<typeof TripStatus>

/** What kind of trip it is (`trips_trip_type_check`). */
export const TripType = z.enum(['leisure', 'business', 'family', 'solo', 'other'])
/** What kind of trip it is: `leisure`, `business`, `family`, `solo` or `other`. */
export type TripType = z.infer<typeof TripType>

/** The writable fields of a trip, each mirroring its column and CHECK constraint. */
const tripFields = z.strictObject({
  /** The trip name, 1–200 characters. */
  name: boundedText(1, 200),
  /** Where the trip goes, 1–200 characters. */
  destination: boundedText(1, 200),
  /** Up to 4000 characters; null to clear. */
  description: boundedText(0, 4000).nullable(),
  /** First day, `YYYY-MM-DD`. */
  startDate: IsoDate,
  /** Last day, `YYYY-MM-DD`, on or after `startDate`. */
  endDate: IsoDate,
  /** Total budget in `currency` (> 0); null when not set. */
  budget: PositiveMoney.nullable(),
  /** ISO 4217 code, e.g. `USD` (default `USD`). */
  currency: CurrencyCode,
  /** How many people travel, 1–100 (default 1). */
  travelers: z.number().int().min(1).max(100),
  /** Default `planning`. */
  status: TripStatus,
  /** Default `leisure`. */
  tripType: TripType,
  /** Free-form date/budget flexibility hints from the planner (a JSON object). */
  flexibility: JsonObjectSchema,
  /** The planner's notes, in order. */
  notes: z.array(PlainText),
  /** Free-form labels. */
  tags: z.array(PlainText),
  /** Planner state for searches run for this trip (a JSON object). */
  searchMetadata: JsonObjectSchema,
})

/** `trips_dates_check`: a trip ends on or after the day it starts. */
const endsOnOrAfterStart = ordered('startDate', 'endDate')

/**
 * Input of `me.trips.create`: `name`, `destination`, `startDate` and `endDate` are required; omitted
 * fields take the column defaults (`USD`, 1 traveler, `planning`, `leisure`). Strict: `id`,
 * `userId` (the owner is always the caller) and any other unknown key are a `validation` error.
 */
export const CreateTripInput = tripFields
  .partial()
  .required({ name: true, destination: true, startDate: true, endDate: true })
  .superRefine(endsOnOrAfterStart)
/** Input of `me.trips.create`; see the {@link CreateTripInput} schema. */
export type CreateTripInput = z.input<typeof CreateTripInput>

/**
 * Input of `me.trips.update`: any non-empty subset of the writable fields. Strict, so `id`,
 * `userId`, timestamps and unknown keys are a `validation` error (no mass assignment). When only
 * one of `startDate`/`endDate` is given, the database check compares it with the stored other one.
 */
export const UpdateTripInput = tripFields
  .partial()
  .refine(notEmpty, { message: 'nothing to update' })
  .superRefine(endsOnOrAfterStart)
/** Input of `me.trips.update`; see the {@link UpdateTripInput} schema. */
export type UpdateTripInput = z.input<typeof UpdateTripInput>

/** The columns `me.trips.list` can sort by. */
export const TripSortKey = z.enum(['startDate', 'createdAt'])
/** The columns `me.trips.list` can sort by. */
export type TripSortKey = z.infer<typeof TripSortKey>

/** A sort direction. */
export const SortOrder = z.enum(['asc', 'desc'])
/** A sort direction. */
export type SortOrder = z.infer<typeof SortOrder>

/** One value or a non-empty list of values of an enum. */
function oneOrMany<T extends z.ZodType>(schema: T) {
  return z.union([schema, z.array(schema).min(1)])
}

/**
 * Input of `me.trips.list`. Every filter is optional and they combine with AND. Results are the trips
 * the caller owns or collaborates on, sorted by `sortBy` then `id`; page with `cursor`.
 */
export const ListTripsInput = z.strictObject({
  /** Only trips in this status (or any of these). */
  status: oneOrMany(TripStatus).optional(),
  /** Only trips of this type (or any of these). */
  tripType: oneOrMany(TripType).optional(),
  /** Only trips whose `[startDate, endDate]` overlaps `[from, to]` (either end may be open). */
  overlaps: z
    .strictObject({
      /** `YYYY-MM-DD`: trips ending on or after this day. */
      from: IsoDate.optional(),
      /** `YYYY-MM-DD`: trips starting on or before this day. */
      to: IsoDate.optional(),
    })
    .refine((range) => range.from === undefined || range.to === undefined || range.from <= range.to, {
      message: 'from must be on or before to',
      path: ['to'],
    })
    .optional(),
  /** Only trips whose destination contains this text (case-insensitive; `%` and `_` match literally). */
  destination: boundedText(1, 200).optional(),
  /** Sort key; default `createdAt`. */
  sortBy: TripSortKey.default('createdAt'),
  /** Sort direction; default `desc` (newest or latest first). */
  order: SortOrder.default('desc'),
  /** Page size, 1–100 (default 20). */
  limit: PageLimit,
  /** `nextCursor` of the previous page, made with the same `sortBy` and `order`. */
  cursor: z.string().min(1).optional(),
})
/** Input of `me.trips.list`; see the {@link ListTripsInput} schema. */
export type ListTripsInput = z.input<typeof ListTripsInput>

/** What `me.trips.get(id, { include })` can load with the trip, in the same SQL statement. */
export const TripInclude = z.enum(['flights', 'accommodations', 'transportation', 'itinerary', 'collaborators'])
/** A relation `me.trips.get` can include. */
export type TripInclude = z.infer<typeof TripInclude>

/** Options of `me.trips.get` and `me.trips.find`. */
export const GetTripOptions = z.strictObject({
  /** Relations to load with the trip (one statement, no N+1). */
  include: z.array(TripInclude).readonly().optional(),
})
/** Options of `me.trips.get` and `me.trips.find`; see the {@link GetTripOptions} schema. */
export type GetTripOptions<I extends readonly TripInclude[] = readonly TripInclude[]> = {
  /** Relations to load with the trip (one statement, no N+1). */
  include?: I
}

/** A trip as the SDK returns it. */
export interface Trip {
  /** The trip id (UUID). */
  id: string
  /** The owner. Never settable through input. */
  userId: string
  /** The trip name. */
  name: string
  /** Where the trip goes. */
  destination: string
  /** Null when not set. */
  description: string | null
  /** `YYYY-MM-DD`. */
  startDate: string
  /** `YYYY-MM-DD`, on or after `startDate`. */
  endDate: string
  /** Total budget in `currency`; null when not set. */
  budget: number | null
  /** ISO 4217 code, e.g. `USD`. */
  currency: string
  /** 1–100. */
  travelers: number
  /** Where the trip stands. */
  status: TripStatus
  /** What kind of trip it is. */
  tripType: TripType
  /** Free-form date/budget flexibility hints from the planner. */
  flexibility: JsonObject
  /** The planner's notes, in order. */
  notes: string[]
  /** Free-form labels. */
  tags: string[]
  /** Planner state for searches run for this trip. */
  searchMetadata: JsonObject
  /** ISO timestamp. */
  createdAt: string
  /** ISO timestamp. */
  updatedAt: string
}

/** The relations of a trip, by the name `include` uses; each list in its `listByTrip` order. */
export interface TripRelations {
  /** The trip's flights. */
  flights: Flight[]
  /** The trip's stays. */
  accommodations: Accommodation[]
  /** The trip's ground and sea transport. */
  transportation: Transportation[]
  /** The trip's itinerary items. */
  itinerary: ItineraryItem[]
  /** The trip's collaborators (not the owner). */
  collaborators: TripCollaborator[]
}

/** A trip with the relations named in `I` loaded (just {@link Trip} when `I` is empty). */
export type TripWith<I extends readonly TripInclude[]> = [I[number]] extends [never]
  ? Trip
  : Trip & { [K in I[number]]: TripRelations[K] }
