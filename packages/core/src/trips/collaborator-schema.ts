import { z } from 'zod'
import { EntityId } from '../fields.js'

/**
 * A collaborator's role (`trip_collaborators_role_check`): `viewer` reads the trip and its items,
 * `editor` also changes items and trip fields, `admin` is an editor who also manages non-admin
 * collaborators. The owner is not a collaborator.
 */
export const CollaboratorRole = z.enum(['viewer', 'editor', 'admin'])
/** A collaborator's role: `viewer`, `editor` or `admin`. */
export type CollaboratorRole = z.infer<typeof CollaboratorRole>

/** Input of `me.trips.collaborators.add`. Strict; `role` defaults to `viewer`. */
export const AddCollaboratorInput = z.strictObject({
  /** The user to add (an `auth.users` id). */
  userId: EntityId,
  /** Default `viewer`. */
  role: CollaboratorRole.default('viewer'),
})
/** Input of `me.trips.collaborators.add`; see the {@link AddCollaboratorInput} schema. */
export type AddCollaboratorInput = z.input<typeof AddCollaboratorInput>

/** A user's membership of a trip. */
export interface TripCollaborator {
  /** The membership id (UUID). */
  id: string
  /** The trip. */
  tripId: string
  /** The collaborator (an `auth.users` id). */
  userId: string
  /** What they may do. */
  role: CollaboratorRole
  /** Who added them; null once that user is deleted. */
  invitedBy: string | null
  /** ISO timestamp. */
  createdAt: string
  /** ISO timestamp. */
  updatedAt: string
}
