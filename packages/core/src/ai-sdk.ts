/**
 * `@tripsage/core/ai-sdk` — the AI SDK adapter of the `Embedder` port. A subpath of its own so
 * that the main entry never loads `ai` (an optional peer dependency).
 *
 * @packageDocumentation
 */
export { type AiSdkEmbedderOptions, aiSdkEmbedder } from './embeddings/ai-sdk-embedder.js'
