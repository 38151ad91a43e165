import type { UserClient } from '../client.js'
import { type MemoryTools, memoryTools } from './memory-tools.js'
import type { AgentToolOptions } from './run-tool.js'
import { type TripTools, tripTools } from './trip-tools.js'

export type { AgentMemory, MemoryTools } from './memory-tools.js'
export { memoryTools } from './memory-tools.js'
export type { AgentToolOptions } from './run-tool.js'
export { AgentToolError, type AgentToolFailure, toAgentToolFailure } from './tool-errors.js'
export type { AgentTripSummary, TripTools } from './trip-tools.js'
export { tripTools } from './trip-tools.js'

/** The repositories the agent tools use: a slice of `tripsage.forUser(claims)`. */
export type AgentToolsClient = Pick<UserClient, 'memory' | 'trips' | 'itinerary'>

/**
 * AI SDK tools bound to one user: `searchMemories`, `addMemory`, `forgetMemory`, `listTrips`,
 * `getTrip`, `addItineraryItem`. They act as that user only — the client carries the user's claims
 * and Postgres RLS decides every row — so no tool takes a user id and none can reach another
 * user's data. A failed call becomes a tool error the model reads (`"not_found: Trip not found"`),
 * without row data or internals; `onError` sees the original.
 *
 * @param me - `tripsage.forUser(claims)` (or a transaction's client)
 * @param options - error hook
 * @example
 * const result = streamText({
 *   model,
 *   tools: tripSageTools(tripsage.forUser(claims)),
 *   stopWhen: stepCountIs(5),
 *   messages: await convertToModelMessages(messages),
 * })
 */
export function tripSageTools(me: AgentToolsClient, options: AgentToolOptions = {}): TripSageTools {
  return { ...memoryTools(me.memory, options), ...tripTools(me, options) }
}

/** The tool set {@link tripSageTools} returns (for `InferUITools` and typed `UIMessage`s). */
export type TripSageTools = MemoryTools & TripTools
