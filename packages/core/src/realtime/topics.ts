import { z } from 'zod'
import { parseInput } from '../validation.js'

// Lowercase, as Postgres prints a uuid and as the realtime.messages policies match it.
const TopicId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
  error: 'must be a lowercase UUID',
})

/** `trip:{tripId}` — trip changes; open to the trip's owner and collaborators. */
export const TripTopic = z.templateLiteral(['trip:', TopicId])
/** `trip:{tripId}`; see {@link TripTopic}. */
export type TripTopic = z.infer<typeof TripTopic>

/** `session:{sessionId}` — chat activity; open to everyone who can read the session. */
export const SessionTopic = z.templateLiteral(['session:', TopicId])
/** `session:{sessionId}`; see {@link SessionTopic}. */
export type SessionTopic = z.infer<typeof SessionTopic>

/** `user:{userId}` — events for one user (their devices); open to that user only. */
export const UserTopic = z.templateLiteral(['user:', TopicId])
/** `user:{userId}`; see {@link UserTopic}. */
export type UserTopic = z.infer<typeof UserTopic>

/** Any TripSage Realtime topic. */
export const RealtimeTopic = z.union([TripTopic, SessionTopic, UserTopic])
/** Any TripSage Realtime topic; see {@link RealtimeTopic}. */
export type RealtimeTopic = z.infer<typeof RealtimeTopic>

const Id = z.uuid({ error: 'must be a UUID' }).transform((id) => id.toLowerCase())

/**
 * The private channel of a trip: `trip:{tripId}`. Throws `validation` when the id is not a UUID.
 *
 * @example supabase.channel(tripTopic(trip.id), { config: { private: true } })
 */
export function tripTopic(tripId: string): TripTopic {
  return `trip:${parseInput(Id, tripId, 'trip id')}`
}

/** The private channel of a chat session: `session:{sessionId}`. Throws `validation` when the id is not a UUID. */
export function sessionTopic(sessionId: string): SessionTopic {
  return `session:${parseInput(Id, sessionId, 'chat session id')}`
}

/** The private channel of a user: `user:{userId}`. Throws `validation` when the id is not a UUID. */
export function userTopic(userId: string): UserTopic {
  return `user:${parseInput(Id, userId, 'user id')}`
}

/** A topic split into its kind and id. */
export interface ParsedRealtimeTopic {
  /** The topic kind. */
  readonly kind: 'trip' | 'session' | 'user'
  /** The trip, session or user id. */
  readonly id: string
}

/**
 * Splits a topic into kind and id; throws `validation` for anything that is not a TripSage topic.
 *
 * @param topic - e.g. `session:0b6f…`
 */
export function parseRealtimeTopic(topic: string): ParsedRealtimeTopic {
  const parsed = parseInput(RealtimeTopic, topic, 'realtime topic')
  const separator = parsed.indexOf(':')
  return { kind: parsed.slice(0, separator) as ParsedRealtimeTopic['kind'], id: parsed.slice(separator + 1) }
}
