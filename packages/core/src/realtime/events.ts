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
  /** The session. */
  sessionId: Id,
  /** The new message. */
  id: Id,
  /** Who wrote it. */
  role: ChatRole,
  /** Its position in the session. */
  seq: z.number().int().nonnegative(),
  /** ISO timestamp. */
  createdAt: Timestamp,
})

/** `toolCall.updated` on `session:{id}`: a tool call was recorded or changed status. */
export const ToolCallUpdatedPayload = z.object({
  /** The session. */
  sessionId: Id,
  /** The tool call. */
  id: Id,
  /** The tool. */
  toolName: z.string(),
  /** Its new status. */
  status: ToolCallStatus,
  /** ISO timestamp. */
  updatedAt: Timestamp,
})

/** `session.ended` on `session:{id}`. */
export const SessionEndedPayload = z.object({
  /** The session. */
  sessionId: Id,
  /** ISO timestamp. */
  endedAt: Timestamp,
})

/** `trip.updated` on `trip:{id}`: the trip row changed. */
export const TripUpdatedPayload = z.object({
  /** The trip. */
  tripId: Id,
  /** ISO timestamp. */
  updatedAt: Timestamp,
})

/** `trip.deleted` on `trip:{id}`. */
export const TripDeletedPayload = z.object({
  /** The trip. */
  tripId: Id,
})

/** Which kind of trip item changed. */
export const TripItemKind = z.enum(['flight', 'accommodation', 'transportation', 'itinerary_item'])

/**
 * `tripItem.changed` on `trip:{id}`: an item was created, updated or deleted (an item moved to
 * another trip is `deleted` on the old trip and `created` on the new one).
 */
export const TripItemChangedPayload = z.object({
  /** The trip. */
  tripId: Id,
  /** Which kind of item. */
  kind: TripItemKind,
  /** The item. */
  id: Id,
  /** What happened to it. */
  op: z.enum(['created', 'updated', 'deleted']),
})

/**
 * `collaborator.changed` on `trip:{id}` and on the collaborator's `user:{id}`: added, re-roled
 * or removed (`role` is null when removed).
 */
export const CollaboratorChangedPayload = z.object({
  /** The trip. */
  tripId: Id,
  /** The collaborator. */
  userId: Id,
  /** The new role; null when removed. */
  role: z.enum(['viewer', 'editor', 'admin']).nullable(),
  /** What happened. */
  op: z.enum(['added', 'updated', 'removed']),
})

/** The payload schema of every event, by event name. */
export const realtimeEventPayloads = {
  /** A message was appended (`session:{id}`). */
  'message.created': MessageCreatedPayload,
  /** A tool call was recorded or changed status (`session:{id}`). */
  'toolCall.updated': ToolCallUpdatedPayload,
  /** The session was ended (`session:{id}`). */
  'session.ended': SessionEndedPayload,
  /** The trip row changed (`trip:{id}`). */
  'trip.updated': TripUpdatedPayload,
  /** The trip was deleted (`trip:{id}`). */
  'trip.deleted': TripDeletedPayload,
  /** A flight, stay, transport or itinerary item changed (`trip:{id}`). */
  'tripItem.changed': TripItemChangedPayload,
  /** A collaborator was added, re-roled or removed (`trip:{id}`, `user:{id}`). */
  'collaborator.changed': CollaboratorChangedPayload,
} as const

/** The name of a TripSage Realtime event. */
export type RealtimeEventName = keyof typeof realtimeEventPayloads

/** The payload of event `E`. */
export type RealtimeEventPayload<E extends RealtimeEventName> = z.infer<(typeof realtimeEventPayloads)[E]>

/** Which events each kind of topic carries. */
export const realtimeTopicEvents = {
  /** Events on `session:{id}`. */
  session: ['message.created', 'toolCall.updated', 'session.ended'],
  /** Events on `trip:{id}`. */
  trip: ['trip.updated', 'trip.deleted', 'tripItem.changed', 'collaborator.changed'],
  /** Events on `user:{id}`. */
  user: ['collaborator.changed'],
} as const satisfies Record<'session' | 'trip' | 'user', readonly RealtimeEventName[]>

/** A broadcast as a Realtime client receives it: `{ event, payload }`, discriminated by `event`. */
export const RealtimeEvent = z.discriminatedUnion('event', [
  z.object({
    /** The event name. */
    event: z.literal('message.created'),
    /** What happened: ids and statuses, never content. */
    payload: MessageCreatedPayload,
  }),
  z.object({
    /** The event name. */
    event: z.literal('toolCall.updated'),
    /** What happened: ids and statuses, never content. */
    payload: ToolCallUpdatedPayload,
  }),
  z.object({
    /** The event name. */
    event: z.literal('session.ended'),
    /** What happened: ids and statuses, never content. */
    payload: SessionEndedPayload,
  }),
  z.object({
    /** The event name. */
    event: z.literal('trip.updated'),
    /** What happened: ids and statuses, never content. */
    payload: TripUpdatedPayload,
  }),
  z.object({
    /** The event name. */
    event: z.literal('trip.deleted'),
    /** What happened: ids and statuses, never content. */
    payload: TripDeletedPayload,
  }),
  z.object({
    /** The event name. */
    event: z.literal('tripItem.changed'),
    /** What happened: ids and statuses, never content. */
    payload: TripItemChangedPayload,
  }),
  z.object({
    /** The event name. */
    event: z.literal('collaborator.changed'),
    /** What happened: ids and statuses, never content. */
    payload: CollaboratorChangedPayload,
  }),
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
