import { sql } from 'kysely'
import { deniedOrInvisible } from '../db/denied-or-invisible.js'
import { oneStatement, runInScope } from '../db/run-in-scope.js'
import type { Scope, ScopedTransaction } from '../db/scope.js'
import { NotFoundError } from '../errors.js'
import { EntityId } from '../fields.js'
import { parseInput } from '../validation.js'
import { AddCollaboratorInput, CollaboratorRole, type TripCollaborator } from './collaborator-schema.js'
import { type CollaboratorRow, toCollaborator } from './rows.js'
import { relationRows, tripRelations } from './trip-relations.js'

/**
 * `me.trips.collaborators`: who shares a trip, and with which role. The owner manages everyone; an
 * `admin` manages `viewer`s and `editor`s but not other admins, and cannot make anyone an admin
 * (docs/decisions/0001). Anyone may leave a trip they collaborate on. A refused change is
 * `forbidden`; a trip or membership the caller cannot see is `not_found`.
 */
export interface CollaboratorsRepository {
  /** The trip's collaborators (oldest first). `not_found` when the trip is not visible. */
  list(tripId: string): Promise<TripCollaborator[]>
  /**
   * Adds a user with a role (default `viewer`). `conflict` when they already collaborate,
   * `validation` when they own the trip, `not_found` when the trip is not visible or the user does
   * not exist, `forbidden` when the caller may not manage collaborators with that role.
   */
  add(tripId: string, input: AddCollaboratorInput): Promise<TripCollaborator>
  /** Changes a collaborator's role. `forbidden` / `not_found` as for {@link CollaboratorsRepository.add}. */
  setRole(tripId: string, userId: string, role: CollaboratorRole): Promise<TripCollaborator>
  /** Removes a collaborator. `forbidden` when the caller may not; `not_found` when there is no such membership. */
  remove(tripId: string, userId: string): Promise<void>
  /** Removes the caller from a trip they collaborate on. `not_found` when they are not a collaborator (owners included). */
  leave(tripId: string): Promise<void>
}

const what = 'collaborator'

/**
 * Builds `me.trips.collaborators` over a scope.
 *
 * @param scope - a user scope (or one bound to an open transaction)
 */
export function createCollaboratorsRepository(scope: Scope): CollaboratorsRepository {
  // Every call here sends one statement, or one write followed only by a read explaining an
  // empty result: each statement may commit on its own, `commit` in its flight (one round trip).
  const run = <T>(fn: (trx: ScopedTransaction) => Promise<T>) => runInScope(scope, what, fn, oneStatement)
  const membership = (tripId: string, userId: string) =>
    sql`select 1 from public.trip_collaborators where trip_id = ${tripId} and user_id = ${userId}`

  return {
    async list(tripId) {
      const id = parseInput(EntityId, tripId, 'trip id')
      return run(async (trx) => {
        const { rows } = await sql<{ items: CollaboratorRow[] }>`
          select ${relationRows(tripRelations.collaborators, sql.ref('trip.id'))} as items
          from public.trips as trip
          where trip.id = ${id}
        `.execute(trx)
        const row = rows[0]
        if (!row) throw new NotFoundError('No such trip, or it is not visible to you')
        return row.items.map(toCollaborator)
      })
    },

    async add(tripId, input) {
      const id = parseInput(EntityId, tripId, 'trip id')
      const { userId, role } = parseInput(AddCollaboratorInput, input, what)
      return run(async (trx) => {
        // Selecting the trip first: invisible → no row (not_found); visible but not allowed → the
        // insert policy fails (42501 → forbidden).
        const { rows } = await sql<{ row: CollaboratorRow }>`
          insert into public.trip_collaborators as item (trip_id, user_id, role)
          select trip.id, ${userId}::uuid, ${role}::text
          from public.trips as trip
          where trip.id = ${id}
          returning to_jsonb(item.*) as row
        `.execute(trx)
        const row = rows[0]
        if (!row) throw new NotFoundError('No such trip, or it is not visible to you')
        return toCollaborator(row.row)
      })
    },

    async setRole(tripId, userId, role) {
      const id = parseInput(EntityId, tripId, 'trip id')
      const member = parseInput(EntityId, userId, 'user id')
      const newRole = parseInput(CollaboratorRole, role, 'role')
      return run(async (trx) => {
        const { rows } = await sql<{ row: CollaboratorRow }>`
          update public.trip_collaborators as item set role = ${newRole}
          where item.trip_id = ${id} and item.user_id = ${member}
          returning to_jsonb(item.*) as row
        `.execute(trx)
        const row = rows[0]
        if (!row) throw await deniedOrInvisible(trx, membership(id, member), what)
        return toCollaborator(row.row)
      })
    },

    async remove(tripId, userId) {
      const id = parseInput(EntityId, tripId, 'trip id')
      const member = parseInput(EntityId, userId, 'user id')
      await run(async (trx) => {
        const { rows } = await sql`
          delete from public.trip_collaborators where trip_id = ${id} and user_id = ${member} returning id
        `.execute(trx)
        if (rows.length === 0) throw await deniedOrInvisible(trx, membership(id, member), what)
      })
    },

    async leave(tripId) {
      const id = parseInput(EntityId, tripId, 'trip id')
      await run(async (trx) => {
        const { rows } = await sql`
          delete from public.trip_collaborators where trip_id = ${id} and user_id = (select auth.uid()) returning id
        `.execute(trx)
        if (rows.length === 0) throw new NotFoundError('You are not a collaborator of this trip')
      })
    },
  }
}
