import { type Tool, tool } from 'ai'
import { z } from 'zod'
import { type ItineraryItem, ItineraryItemType } from '../trips/itinerary-schema.js'
import type { ItineraryRepository } from '../trips/trip-item-repositories.js'
import type { Trip, TripRelations } from '../trips/trip-schema.js'
import type { TripsRepository } from '../trips/trips-repository.js'
import { type AgentToolOptions, runTool } from './run-tool.js'

/** A trip as `listTrips` shows it to the model. */
export interface AgentTripSummary {
  /** The trip id (pass it to `getTrip` and `addItineraryItem`). */
  readonly id: string
  /** The trip name. */
  readonly name: string
  /** Where the trip goes. */
  readonly destination: string
  /** `YYYY-MM-DD`. */
  readonly startDate: string
  /** `YYYY-MM-DD`. */
  readonly endDate: string
  /** Where the trip stands (`planning`, `booked`, …). */
  readonly status: string
}

/** The relations `getTrip` may include (collaborators are left out: other users' data). */
const tripDetails = ['itinerary', 'flights', 'accommodations', 'transportation'] as const

const ListTripsToolInput = z.object({
  limit: z.number().int().min(1).max(20).optional().describe('How many trips (default 10)'),
  cursor: z.string().optional().describe('nextCursor of the previous page'),
})
const GetTripToolInput = z.object({
  tripId: z.string().describe('The trip id, from listTrips'),
  include: z.array(z.enum(tripDetails)).optional().describe('Details to include (default: itinerary)'),
})
const AddItineraryItemToolInput = z.object({
  tripId: z.string().describe('The trip id, from listTrips'),
  title: z.string().min(1).max(200),
  itemType: ItineraryItemType.optional(),
  description: z.string().max(4000).optional(),
  day: z.string().optional().describe('YYYY-MM-DD'),
  startTime: z.string().optional().describe('ISO timestamp'),
  endTime: z.string().optional().describe('ISO timestamp'),
  location: z.string().max(1000).optional(),
  price: z.number().min(0).optional(),
  currency: z.string().length(3).optional().describe('ISO 4217 code, e.g. EUR'),
})

/** The tools {@link tripTools} returns. */
export type TripTools = {
  /** One page of the user's trips. */
  readonly listTrips: Tool<
    z.infer<typeof ListTripsToolInput>,
    {
      /** One page of trips. */
      trips: AgentTripSummary[]
      /** Pass as `cursor` for the next page; null on the last. */
      nextCursor: string | null
    }
  >
  /** One trip with the details asked for. */
  readonly getTrip: Tool<
    z.infer<typeof GetTripToolInput>,
    {
      /** The trip, with the relations asked for. */
      trip: Trip & Partial<TripRelations>
    }
  >
  /** Adds an itinerary item to a trip the user may edit. */
  readonly addItineraryItem: Tool<
    z.infer<typeof AddItineraryItemToolInput>,
    {
      /** The new item. */
      item: ItineraryItem
    }
  >
}

/**
 * The trip tools: `listTrips`, `getTrip` and `addItineraryItem`, over the trip repositories of one
 * user client (RLS decides: trips the user owns or collaborates on; viewers cannot add items).
 *
 * @param client - `me.trips` and `me.itinerary` of `tripsage.forUser(claims)`
 * @param options - error hook
 */
export function tripTools(
  client: {
    readonly trips: Pick<TripsRepository, 'list' | 'get'>
    readonly itinerary: Pick<ItineraryRepository, 'add'>
  },
  options: AgentToolOptions = {},
): TripTools {
  return {
    listTrips: tool({
      description: "List the user's trips (owned or shared with them), newest first.",
      inputSchema: ListTripsToolInput,
      execute: ({
        limit,
        cursor,
      }): Promise<{
        /** One page of trips. */
        trips: AgentTripSummary[]
        /** Pass as `cursor` for the next page; null on the last. */
        nextCursor: string | null
      }> =>
        runTool('listTrips', options, async () => {
          const page = await client.trips.list({ limit: limit ?? 10, ...(cursor ? { cursor } : {}) })
          return {
            trips: page.items.map(({ id, name, destination, startDate, endDate, status }) => ({
              id,
              name,
              destination,
              startDate,
              endDate,
              status,
            })),
            nextCursor: page.nextCursor,
          }
        }),
    }),

    getTrip: tool({
      description: 'Get one trip with its details (itinerary, flights, stays, transport). Takes the id from listTrips.',
      inputSchema: GetTripToolInput,
      execute: ({ tripId, include }) =>
        runTool('getTrip', options, async () => {
          const trip = await client.trips.get(tripId, { include: include ?? ['itinerary'] })
          // The included relations vary with `include`; the model reads whichever are there.
          return { trip: trip as Trip & Partial<TripRelations> }
        }),
    }),

    addItineraryItem: tool({
      description: "Add an entry to a trip's day-by-day plan (an activity, a meal, a transfer…).",
      inputSchema: AddItineraryItemToolInput,
      execute: ({ tripId, ...item }) =>
        runTool('addItineraryItem', options, async () => ({ item: await client.itinerary.add(tripId, item) })),
    }),
  }
}
