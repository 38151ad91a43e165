import { z } from 'zod'
import { ChatRole, ToolCallStatus } from '../chat/schema.js'
import { parseInput } from '../validation.js'

// Payloads are built by the database triggers of migration 20261124002001_realtime_events.sql.
// They are notifications (ids, kinds, statuses, timestamps), never content: refetch through the
// SDK, where RLS applies. Objects are not strict, so a newer database may add fields.

const Id = z.uuid()
const Timestamp = z.iso.datetime({ offset: true })

/** `message.created` on `session:{id}`: a message was appended. */
export const MessageCreatedPayload = z.object({
  sessionId: Id,
  id: Id,
  role: ChatRole,
  seq: z.number().int().nonnegative(),
  createdAt: Timestamp,
})

/** `toolCall.updated` on `session:{id}`: a tool call was recorded or changed status. */
export const ToolCallUpdatedPayload = z.object({
  sessionId: Id,
  id: Id,
  toolName: z.string(),
  status: ToolCallStatus,
  updatedAt: Timestamp,
})

/** `session.ended` on `session:{id}`. */
export const SessionEndedPayload = z.object({ sessionId: Id, endedAt: Timestamp })

/** `trip.updated` on `trip:{id}`: the trip row changed. */
export const TripUpdatedPayload = z.object({ tripId: Id, updatedAt: Timestamp })

/** `trip.deleted` on `trip:{id}`. */
export const TripDeletedPayload = z.object({ tripId: Id })

/** Which kind of trip item changed. */
export const TripItemKind = z.enum(['flight', 'accommodation', 'transportation', 'itinerary_item'])

/**
 * `tripItem.changed` on `trip:{id}`: an item was created, updated or deleted (an item moved to
 * another trip is `deleted` on the old trip and `created` on the new one).
 */
export const TripItemChangedPayload = z.object({
  tripId: Id,
  kind: TripItemKind,
  id: Id,
  op: z.enum(['created', 'updated', 'deleted']),
})

/**
 * `collaborator.changed` on `trip:{id}` and on the collaborator's `user:{id}`: added, re-roled
 * or removed (`role` is null when removed).
 */
export const CollaboratorChangedPayload = z.object({
  tripId: Id,
  userId: Id,
  role: z.enum(['viewer', 'editor', 'admin']).nullable(),
  op: z.enum(['added', 'updated', 'removed']),
})

/** The payload schema of every event, by event name. */
export const realtimeEventPayloads = {
  'message.created': MessageCreatedPayload,
  'toolCall.updated': ToolCallUpdatedPayload,
  'session.ended': SessionEndedPayload,
  'trip.updated': TripUpdatedPayload,
  'trip.deleted': TripDeletedPayload,
  'tripItem.changed': TripItemChangedPayload,
  'collaborator.changed': CollaboratorChangedPayload,
} as const

/** The name of a TripSage Realtime event. */
export type RealtimeEventName = keyof typeof realtimeEventPayloads

/** The payload of event `E`. */
export type RealtimeEventPayload<E extends RealtimeEventName> = z.infer<(typeof realtimeEventPayloads)[E]>

/** Which events each kind of topic carries. */
export const realtimeTopicEvents = {
  session: ['message.created', 'toolCall.updated', 'session.ended'],
  trip: ['trip.updated', 'trip.deleted', 'tripItem.changed', 'collaborator.changed'],
  user: ['collaborator.changed'],
} as const satisfies Record<'session' | 'trip' | 'user', readonly RealtimeEventName[]>

/** A broadcast as a Realtime client receives it: `{ event, payload }`, discriminated by `event`. */
export const RealtimeEvent = z.discriminatedUnion('event', [
  z.object({ event: z.literal('message.created'), payload: MessageCreatedPayload }),
  z.object({ event: z.literal('toolCall.updated'), payload: ToolCallUpdatedPayload }),
  z.object({ event: z.literal('session.ended'), payload: SessionEndedPayload }),
  z.object({ event: z.literal('trip.updated'), payload: TripUpdatedPayload }),
  z.object({ event: z.literal('trip.deleted'), payload: TripDeletedPayload }),
  z.object({ event: z.literal('tripItem.changed'), payload: TripItemChangedPayload }),
  z.object({ event: z.literal('collaborator.changed'), payload: CollaboratorChangedPayload }),
])
/** A broadcast as a Realtime client receives it; see {@link RealtimeEvent}. */
export type RealtimeEvent = z.infer<typeof RealtimeEvent>

/**
 * Parses a received broadcast (e.g. the argument of a supabase-js
 * `channel.on('broadcast', { event: '*' }, …)` callback) into a typed {@link RealtimeEvent};
 * throws `validation` for anything else.
 *
 * @param message - `{ event, payload }` (other keys are ignored)
 */
export function parseRealtimeEvent(message: unknown): RealtimeEvent {
  return parseInput(RealtimeEvent, message, 'realtime event')
}
