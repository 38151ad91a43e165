import { type RawBuilder, sql } from 'kysely'
import { deniedOrInvisible } from '../db/denied-or-invisible.js'
import { jsonbValue } from '../db/json-param.js'
import { oneStatement, runInScope } from '../db/run-in-scope.js'
import type { Scope, ScopedTransaction } from '../db/scope.js'
import { dateFromText, timestamptzFromText } from '../db/temporal-param.js'
import { NotFoundError, ValidationError } from '../errors.js'
import { EntityId } from '../fields.js'
import { decodeCursor, type Page, toPage } from '../pagination.js'
import { parseInput } from '../validation.js'
import { type CollaboratorsRepository, createCollaboratorsRepository } from './collaborators-repository.js'
import { type TripRow, toColumns, toTrip } from './rows.js'
import { relationRows, tripRelations } from './trip-relations.js'
import {
  CreateTripInput,
  GetTripOptions,
  ListTripsInput,
  type Trip,
  type TripInclude,
  type TripWith,
  UpdateTripInput,
} from './trip-schema.js'

/** Reading trips: what both `me.trips` and `tripsage.service.trips` offer. */
export interface TripReader {
  /**
   * The trip, with the relations named in `include` loaded in the same SQL statement. Throws
   * `not_found` when it does not exist or is not visible to the caller.
   *
   * @example
   * const trip = await me.trips.get(id, { include: ['flights', 'itinerary'] })
   * trip.flights // Flight[]
   */
  get<const I extends readonly TripInclude[] = []>(id: string, options?: GetTripOptions<I>): Promise<TripWith<I>>
  /** Like {@link TripReader.get}, but resolves to null instead of throwing `not_found`. */
  find<const I extends readonly TripInclude[] = []>(
    id: string,
    options?: GetTripOptions<I>,
  ): Promise<TripWith<I> | null>
}

/**
 * `me.trips`: the trips the caller owns or collaborates on. RLS decides: anyone with access reads;
 * the owner, editors and admins update; only the owner deletes.
 */
export interface TripsRepository extends TripReader {
  /** Creates a trip owned by the caller. */
  create(input: CreateTripInput): Promise<Trip>
  /** One page of trips (filters, sort and keyset cursor in {@link ListTripsInput}). */
  list(input?: ListTripsInput): Promise<Page<Trip>>
  /**
   * Changes some fields. `forbidden` for a viewer, `not_found` when the trip is not visible,
   * `validation` for bad input or protected keys (`id`, `userId`…).
   */
  update(id: string, patch: UpdateTripInput): Promise<Trip>
  /**
   * Deletes the trip with its collaborators and items (cascade). `forbidden` for anyone but the
   * owner who can see it, `not_found` when it is not visible.
   */
  delete(id: string): Promise<void>
  /** The trip's collaborators. */
  readonly collaborators: CollaboratorsRepository
}

const what = 'trip'

/** The trip id column of `trip` (alias used by every statement here). */
const tripId = sql.ref('trip.id')

/** What the one statement of `get` selects for each requested relation. */
function includeColumns(include: readonly TripInclude[]): RawBuilder<unknown>[] {
  return [...new Set(include)].map((name) => sql`${relationRows(tripRelations[name], tripId)} as ${sql.id(name)}`)
}

/** The row of `get`: the trip plus one JSON array per included relation. */
type TripWithRelationRows = { trip: TripRow } & Partial<Record<TripInclude, unknown[]>>

function toTripWith<I extends readonly TripInclude[]>(row: TripWithRelationRows, include: I): TripWith<I> {
  const trip: Record<string, unknown> = { ...toTrip(row.trip) }
  for (const name of include) {
    const relation = tripRelations[name]
    trip[name] = (row[name] ?? []).map((item) => relation.toEntity(item))
  }
  return trip as TripWith<I>
}

/**
 * Builds the read side (`get`, `find`) over a scope. Also used by the service scope, where RLS does
 * not apply.
 *
 * @param scope - the scope calls run in
 */
export function createTripReader(scope: Scope): TripReader {
  async function find<const I extends readonly TripInclude[] = []>(
    id: string,
    options?: GetTripOptions<I>,
  ): Promise<TripWith<I> | null> {
    const tripKey = parseInput(EntityId, id, 'trip id')
    const include = (parseInput(GetTripOptions, options === undefined ? {} : options, 'trip options').include ??
      []) as unknown as I
    return runInScope(
      scope,
      what,
      async (trx) => {
        const { rows } = await sql<TripWithRelationRows>`
        select ${sql.join([sql`to_jsonb(trip.*) as trip`, ...includeColumns(include)])}
        from public.trips as trip
        where trip.id = ${tripKey}
      `.execute(trx)
        const row = rows[0]
        return row ? toTripWith(row, include) : null
      },
      oneStatement,
    )
  }
  return {
    find,
    async get(id, options) {
      const trip = await find(id, options)
      if (!trip) throw new NotFoundError('No such trip, or it is not visible to you')
      return trip
    },
  }
}

/** The sort key values of a row, as `list` compares them: `[value, id]`. */
function sortKeyOf(row: TripRow, sortBy: 'startDate' | 'createdAt'): [string, string] {
  // `created_at` keeps its full database precision here (microseconds), unlike `Trip.createdAt`.
  return [sortBy === 'startDate' ? row.start_date : row.created_at, row.id]
}

/**
 * Builds `me.trips` over a scope.
 *
 * @param scope - a user scope (or one bound to an open transaction)
 */
export function createTripsRepository(scope: Scope): TripsRepository {
  // Every call here sends one statement, or one write followed only by a read explaining an
  // empty result: each statement may commit on its own, `commit` in its flight (one round trip).
  const run = <T>(fn: (trx: ScopedTransaction) => Promise<T>) => runInScope(scope, what, fn, oneStatement)
  const visible = (id: string) => sql`select 1 from public.trips where id = ${id}`

  return {
    ...createTripReader(scope),

    async create(input) {
      const values = { user_id: scope.userId, ...toColumns(parseInput(CreateTripInput, input, what)) }
      const columns = Object.keys(values)
      return run(async (trx) => {
        const { rows } = await sql<{ row: TripRow }>`
          insert into public.trips as trip (${sql.join(columns.map((c) => sql.id(c)))})
          select ${sql.join(columns.map((c) => sql.id('input', c)))}
          from jsonb_populate_record(null::public.trips, ${jsonbValue(values)}) as input
          returning to_jsonb(trip.*) as row
        `.execute(trx)
        return toTrip(rows[0]!.row)
      })
    },

    async list(input) {
      const options = parseInput(ListTripsInput, input === undefined ? {} : input, 'trip list options')
      const { sortBy, order, limit } = options
      const column = sql.ref(sortBy === 'startDate' ? 'trip.start_date' : 'trip.created_at')
      const direction = sql.raw(order)
      const tag = `${sortBy}:${order}`

      const filters: RawBuilder<unknown>[] = []
      if (options.status !== undefined) filters.push(sql`trip.status = any(${[options.status].flat()}::text[])`)
      if (options.tripType !== undefined) filters.push(sql`trip.trip_type = any(${[options.tripType].flat()}::text[])`)
      if (options.overlaps?.from !== undefined)
        filters.push(sql`trip.end_date >= ${dateFromText(options.overlaps.from)}`)
      if (options.overlaps?.to !== undefined) filters.push(sql`trip.start_date <= ${dateFromText(options.overlaps.to)}`)
      if (options.destination !== undefined) {
        const escaped = options.destination.replace(/[\\%_]/g, (c) => `\\${c}`)
        filters.push(sql`trip.destination ilike ${`%${escaped}%`} escape '\\'`)
      }
      if (options.cursor !== undefined) {
        const [cursorTag, value, id] = decodeCursor(options.cursor, 3)
        if (cursorTag !== tag || typeof value !== 'string' || typeof id !== 'string') {
          throw new ValidationError('Invalid cursor', {
            details: { issues: [{ path: 'cursor', message: 'cursor does not belong to this sort order' }] },
          })
        }
        const comparison = sql.raw(order === 'asc' ? '>' : '<')
        const bound = sortBy === 'startDate' ? dateFromText(value) : timestamptzFromText(value)
        filters.push(sql`(${column}, trip.id) ${comparison} (${bound}, ${id}::uuid)`)
      }

      return run(async (trx) => {
        const { rows } = await sql<{ trip: TripRow }>`
          select to_jsonb(trip.*) as trip
          from public.trips as trip
          where ${filters.length > 0 ? sql.join(filters, sql` and `) : sql`true`}
          order by ${column} ${direction}, trip.id ${direction}
          limit ${limit + 1}
        `.execute(trx)
        return toPage(
          rows,
          limit,
          (row) => [tag, ...sortKeyOf(row.trip, sortBy)],
          (row) => toTrip(row.trip),
        )
      })
    },

    async update(id, patch) {
      const tripKey = parseInput(EntityId, id, 'trip id')
      const values = toColumns(parseInput(UpdateTripInput, patch, what))
      const assignments = Object.keys(values).map((c) => sql`${sql.id(c)} = ${sql.id('input', c)}`)
      return run(async (trx) => {
        const { rows } = await sql<{ row: TripRow }>`
          update public.trips as trip set ${sql.join(assignments)}
          from jsonb_populate_record(null::public.trips, ${jsonbValue(values)}) as input
          where trip.id = ${tripKey}
          returning to_jsonb(trip.*) as row
        `.execute(trx)
        const row = rows[0]
        if (!row) throw await deniedOrInvisible(trx, visible(tripKey), what)
        return toTrip(row.row)
      })
    },

    async delete(id) {
      const tripKey = parseInput(EntityId, id, 'trip id')
      await run(async (trx) => {
        const { rows } = await sql`delete from public.trips where id = ${tripKey} returning id`.execute(trx)
        if (rows.length === 0) throw await deniedOrInvisible(trx, visible(tripKey), what)
      })
    },

    collaborators: createCollaboratorsRepository(scope),
  }
}
