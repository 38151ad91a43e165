import { type RawBuilder, sql } from 'kysely'
import {
  type AccommodationRow,
  type CollaboratorRow,
  type FlightRow,
  type ItineraryItemRow,
  type TransportationRow,
  toAccommodation,
  toCollaborator,
  toFlight,
  toItineraryItem,
  toTransportation,
} from './rows.js'
import type { TripInclude, TripRelations } from './trip-schema.js'

/** A table hanging off `trips` through `trip_id`, and how its rows are listed. */
export interface TripRelation<Row, Entity> {
  /** The table in `public`. */
  readonly table: 'flights' | 'accommodations' | 'transportation' | 'itinerary_items' | 'trip_collaborators'
  /**
   * The list order over the alias `item`: by date/time, then a unique column so the order is
   * total (ascending puts nulls last).
   */
  readonly orderBy: string
  /** Maps a row in its `to_jsonb` form to the entity. */
  readonly toEntity: (row: Row) => Entity
}

/** Every relation `me.trips.get(id, { include })` can load, by its include name. */
export const tripRelations: { readonly [K in TripInclude]: TripRelation<any, TripRelations[K][number]> } = {
  flights: {
    table: 'flights',
    orderBy: 'item.departure_date, item.departure_time, item.id',
    toEntity: (row: FlightRow) => toFlight(row),
  },
  accommodations: {
    table: 'accommodations',
    orderBy: 'item.check_in_date, item.id',
    toEntity: (row: AccommodationRow) => toAccommodation(row),
  },
  transportation: {
    table: 'transportation',
    orderBy: 'item.departure_time, item.id',
    toEntity: (row: TransportationRow) => toTransportation(row),
  },
  itinerary: {
    table: 'itinerary_items',
    orderBy: 'item.day, item.position, item.start_time, item.id',
    toEntity: (row: ItineraryItemRow) => toItineraryItem(row),
  },
  collaborators: {
    table: 'trip_collaborators',
    orderBy: 'item.created_at, item.id',
    toEntity: (row: CollaboratorRow) => toCollaborator(row),
  },
}

/**
 * A scalar subquery: the relation's rows of one trip as a JSON array (`[]` when none), in list
 * order. RLS applies to the relation's table as to any other read.
 *
 * @param relation - which table
 * @param tripId - the trip id expression, e.g. `sql.ref('trip.id')`
 */
export function relationRows<Row>(
  relation: TripRelation<Row, unknown>,
  tripId: RawBuilder<unknown>,
): RawBuilder<Row[]> {
  return sql<Row[]>`(
    select coalesce(jsonb_agg(to_jsonb(item.*) order by ${sql.raw(relation.orderBy)}), '[]'::jsonb)
    from ${sql.table(`public.${relation.table}`)} as item
    where item.trip_id = ${tripId}
  )`
}
