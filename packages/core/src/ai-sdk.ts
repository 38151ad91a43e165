/**
 * `@tripsage/core/ai-sdk` — the AI SDK adapters: the `Embedder` port, and the memory-learning
 * `MemoryExtractor` and `MemoryDecider` ports (any language model, BYOK-ready). A subpath of its own so
 * that the main entry never loads `ai` (an optional peer dependency).
 *
 * @packageDocumentation
 */
export { type AiSdkEmbedderOptions, aiSdkEmbedder } from './embeddings/ai-sdk-embedder.js'
export { aiSdkDecider, DECIDER_INSTRUCTIONS } from './memory/learning/ai-sdk-decider.js'
export { aiSdkExtractor, EXTRACTOR_INSTRUCTIONS } from './memory/learning/ai-sdk-extractor.js'
export {
  type AiSdkLearningOptions,
  type LearningModel,
  modelLabel,
} from './memory/learning/ai-sdk-model.js'
