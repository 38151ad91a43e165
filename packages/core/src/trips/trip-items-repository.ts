import { sql } from 'kysely'
import type { z } from 'zod'
import { deniedOrInvisible } from '../db/denied-or-invisible.js'
import { jsonbValue } from '../db/json-param.js'
import { oneStatement, runInScope } from '../db/run-in-scope.js'
import type { Scope, ScopedTransaction } from '../db/scope.js'
import { NotFoundError } from '../errors.js'
import { EntityId } from '../fields.js'
import { parseInput } from '../validation.js'
import { toColumns } from './rows.js'
import { relationRows, type TripRelation } from './trip-relations.js'

/**
 * The four repositories of a trip's items — `me.flights`, `me.accommodations`,
 * `me.transportation`, `me.itinerary` — share this shape. Viewers read; the owner, editors and
 * admins write (RLS).
 */
export interface TripItemRepository<Item, AddInput, UpdateInput> {
  /**
   * Adds an item to a trip. `not_found` when the trip is not visible to the caller, `forbidden`
   * when they may only read it, `validation` for bad input (nothing is written).
   */
  add(tripId: string, input: AddInput): Promise<Item>
  /** Changes some fields. `not_found` when the item is not visible, `forbidden` when read-only. */
  update(id: string, patch: UpdateInput): Promise<Item>
  /** Deletes the item. `not_found` when it is not visible, `forbidden` when read-only. */
  remove(id: string): Promise<void>
  /** The trip's items by date/time (then id). `not_found` when the trip is not visible. */
  listByTrip(tripId: string): Promise<Item[]>
}

/** What {@link createTripItemRepository} needs to know about one kind of item. */
export interface TripItemKind<Row, Item, AddSchema extends z.ZodType<object>, UpdateSchema extends z.ZodType<object>> {
  /** The relation: table, list order and row mapping. */
  readonly relation: TripRelation<Row, Item>
  /** A short noun for messages, e.g. `"flight"`. */
  readonly what: string
  /** The input schema of `add`. */
  readonly addSchema: AddSchema
  /** The input schema of `update`. */
  readonly updateSchema: UpdateSchema
}

/**
 * Builds the repository of one kind of trip item. Each method is the scope statement plus one
 * statement (plus, only when an update or delete touched nothing, one visibility probe).
 *
 * Writes go through `jsonb_populate_record(null::public.<table>, $json)`, so Postgres converts
 * every value to its column type — dates, timestamps, numerics, `text[]`, `jsonb` — the same way
 * whatever the driver.
 *
 * @param scope - the scope calls run in
 * @param kind - the item kind
 */
export function createTripItemRepository<
  Row,
  Item,
  AddSchema extends z.ZodType<object>,
  UpdateSchema extends z.ZodType<object>,
>(
  scope: Scope,
  kind: TripItemKind<Row, Item, AddSchema, UpdateSchema>,
): TripItemRepository<Item, z.input<AddSchema>, z.input<UpdateSchema>> {
  const { relation, what } = kind
  const table = sql.table(`public.${relation.table}`)

  const run = <T>(fn: (trx: ScopedTransaction) => Promise<T>) => runInScope(scope, what, fn)
  // The first statement is the only write (a later one only explains an empty result): each
  // statement may commit on its own, with `commit` in its flight (one round trip).
  const runOne = <T>(fn: (trx: ScopedTransaction) => Promise<T>) => runInScope(scope, what, fn, oneStatement)

  return {
    async add(tripId, input) {
      const id = parseInput(EntityId, tripId, 'trip id')
      const values = toColumns(parseInput(kind.addSchema, input, what))
      const columns = Object.keys(values)
      return runOne(async (trx) => {
        // Selecting the trip first makes an invisible trip insert nothing (→ not_found) while a
        // visible, read-only one fails the insert policy (42501 → forbidden).
        const { rows } = await sql<{ row: Row }>`
          insert into ${table} as item (trip_id, ${sql.join(columns.map((c) => sql.id(c)))})
          select trip.id, ${sql.join(columns.map((c) => sql.id('input', c)))}
          from public.trips as trip, jsonb_populate_record(null::${table}, ${jsonbValue(values)}) as input
          where trip.id = ${id}
          returning to_jsonb(item.*) as row
        `.execute(trx)
        const row = rows[0]
        if (!row) throw new NotFoundError('No such trip, or it is not visible to you')
        return relation.toEntity(row.row)
      })
    },

    async update(itemId, patch) {
      const id = parseInput(EntityId, itemId, `${what} id`)
      const values = toColumns(parseInput(kind.updateSchema, patch, what))
      const assignments = Object.keys(values).map((c) => sql`${sql.id(c)} = ${sql.id('input', c)}`)
      return runOne(async (trx) => {
        const { rows } = await sql<{ row: Row }>`
          update ${table} as item set ${sql.join(assignments)}
          from jsonb_populate_record(null::${table}, ${jsonbValue(values)}) as input
          where item.id = ${id}
          returning to_jsonb(item.*) as row
        `.execute(trx)
        const row = rows[0]
        if (!row) throw await deniedOrInvisible(trx, sql`select 1 from ${table} where id = ${id}`, what)
        return relation.toEntity(row.row)
      })
    },

    async remove(itemId) {
      const id = parseInput(EntityId, itemId, `${what} id`)
      await runOne(async (trx) => {
        const { rows } = await sql`delete from ${table} where id = ${id} returning id`.execute(trx)
        if (rows.length === 0) throw await deniedOrInvisible(trx, sql`select 1 from ${table} where id = ${id}`, what)
      })
    },

    async listByTrip(tripId) {
      const id = parseInput(EntityId, tripId, 'trip id')
      return runOne(async (trx) => {
        const { rows } = await sql<{ items: Row[] }>`
          select ${relationRows(relation, sql.ref('trip.id'))} as items
          from public.trips as trip
          where trip.id = ${id}
        `.execute(trx)
        const row = rows[0]
        if (!row) throw new NotFoundError('No such trip, or it is not visible to you')
        return row.items.map(relation.toEntity)
      })
    },
  }
}
