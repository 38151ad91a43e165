export { contentHash } from './content-hash.js'
export type { MemoryEvent, MemoryEventOperation } from './history.js'
export * from './learning/index.js'
export { type MmrCandidate, maximalMarginalRelevance } from './mmr.js'
export {
  createMemoryRepository,
  type MemoryCallOptions,
  type MemoryPorts,
  type MemoryRepository,
} from './repository.js'
export {
  AddManyMemoriesInput,
  AddMemoryInput,
  DEFAULT_EF_SEARCH,
  Embedding,
  EmbeddingModelId,
  ForgetAllMemoriesInput,
  HybridSearchMemoriesInput,
  ListMemoriesInput,
  MAX_ADD_MANY,
  MAX_MEMORY_CONTENT_LENGTH,
  MEMORY_TYPES,
  type Memory,
  MemoryContent,
  MemoryHistoryOptions,
  type MemoryHybridHit,
  MemoryId,
  MemoryMetadata,
  type MemorySearchHit,
  MemorySelector,
  MemoryType,
  MmrOptions,
  PurgeExpiredMemoriesInput,
  type PurgeExpiredMemoriesResult,
  SearchMemoriesInput,
  UpdateMemoryInput,
} from './schema.js'
export { createMemoryServiceRepository, type MemoryServiceRepository } from './service-repository.js'
