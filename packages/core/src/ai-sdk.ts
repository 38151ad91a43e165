/**
 * `@tripsage/core/ai-sdk` — the AI SDK adapters: the `Embedder` port over `embedMany`, and agent
 * tools bound to one user (memory search/add/forget, trips list/get, itinerary add). A subpath of
 * its own so that the main entry never loads `ai` (an optional peer dependency).
 *
 * @packageDocumentation
 */

export {
  type AgentMemory,
  AgentToolError,
  type AgentToolFailure,
  type AgentToolOptions,
  type AgentToolsClient,
  type AgentTripSummary,
  type MemoryTools,
  memoryTools,
  type TripSageTools,
  type TripTools,
  toAgentToolFailure,
  tripSageTools,
  tripTools,
} from './agent-tools/index.js'
export { type AiSdkEmbedderOptions, aiSdkEmbedder } from './embeddings/ai-sdk-embedder.js'
