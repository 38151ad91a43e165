/**
 * `@tripsage/core` — typed, RLS-first repositories for a travel-planning AI app on Supabase.
 *
 * @packageDocumentation
 * @module @tripsage/core
 */
export * from './attachments/index.js'
export * from './chat/index.js'
export {
  createTripSage,
  DEFAULT_DEADLINE_MS,
  type ServiceClient,
  type ServiceTransaction,
  type TripSage,
  type TripSageOptions,
  type UserClient,
  type UserTransaction,
} from './client.js'
export { type DatabaseErrorInfo, databaseErrorInfo, toTripSageError } from './db/database-error.js'
export { CallCancelled, type CallLimits } from './db/deadline.js'
export {
  bundledMigrations,
  bundledPlatform,
  type MigrateOptions,
  type MigrateResult,
  type Migration,
  migrate,
} from './db/migrate.js'
export { applyPlatform } from './db/platform.js'
export type { Database, TripSageDatabase, VectorColumn } from './db/schema.js'
export {
  parseUserClaims,
  quoteLiteral,
  type Scope,
  type ScopedTransaction,
  type ScopeOptions,
  type ScopeRunOptions,
  UserClaims,
} from './db/scope.js'
export type { SqlFile } from './db/sql-bundle.generated.js'
export {
  assertEmbedderFitsColumn,
  EMBEDDING_DIMENSIONS,
  type Embedder,
  type EmbedOptions,
  LOCAL_EMBEDDER_MODEL,
  type LocalEmbedderOptions,
  localEmbedder,
  parseVectorText,
  toVectorText,
} from './embeddings/index.js'
export {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  TripSageError,
  type TripSageErrorCode,
  type TripSageErrorOptions,
  UnavailableError,
  ValidationError,
} from './errors.js'
export {
  boundedText,
  CurrencyCode,
  EntityId,
  Int32,
  IsoDate,
  IsoTimestamp,
  Money,
  PlainText,
  PositiveMoney,
} from './fields.js'
export {
  codePointLength,
  isStorableText,
  JsonObject,
  type JsonObjectInput,
  JsonValue,
  type JsonValueInput,
} from './json-value.js'
export * from './keys/index.js'
export {
  type Cache,
  type CacheEntryOptions,
  type CacheGetOptions,
  type CacheOptions,
  createCache,
} from './kv/cache.js'
export {
  type DefaultRateLimitRuleName,
  defaultRateLimitRules,
  type FailureMode,
  type RateLimitAlgorithm,
  type RateLimitRule,
} from './kv/default-rules.js'
export {
  type ClaimTokenOptions,
  createIdempotency,
  type Idempotency,
  type IdempotencyClaim,
  type IdempotencyOptions,
  type IdempotencyStatus,
} from './kv/idempotency.js'
export { type MemoryKv, type MemoryKvOptions, memoryKv } from './kv/memory-kv.js'
export {
  createRateLimiter,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimitReason,
  type RateLimitResult,
  type RateLimitRuleInputs,
  type RateLimitSubject,
  type ResolvedRateLimitRule,
} from './kv/ratelimit.js'
export {
  type Duration,
  durationMs,
  type KvBackend,
  type KvFailureEvent,
  type KvStore,
  type KvWrite,
  type RedisLike,
} from './kv/types.js'
export {
  AddManyMemoriesInput,
  AddMemoryInput,
  type AppliedChange,
  type ApplyMemoryPlanContext,
  applyMemoryPlan,
  CandidateFact,
  type ConversationMessage,
  contentHash,
  DEFAULT_EF_SEARCH,
  type DecisionInput,
  type DecisionResult,
  Embedding,
  EmbeddingModelId,
  type ExtractedFact,
  extractStatements,
  ForgetAllMemoriesInput,
  HybridSearchMemoriesInput,
  LEXICAL_EXTRACTOR_ID,
  type LearningCallOptions,
  ListMemoriesInput,
  lexicalExtractor,
  MAX_ADD_MANY,
  MAX_MEMORY_CONTENT_LENGTH,
  MEMORY_OPERATIONS,
  MEMORY_TYPES,
  type Memory,
  type MemoryCallOptions,
  type MemoryCandidate,
  MemoryContent,
  type MemoryDecider,
  type MemoryDecision,
  type MemoryEvent,
  type MemoryEventOperation,
  type MemoryExtractor,
  MemoryHistoryOptions,
  type MemoryHybridHit,
  MemoryId,
  type MemoryLearningOptions,
  type MemoryLearningPlan,
  type MemoryLearningReader,
  MemoryMetadata,
  type MemoryOperation,
  type MemoryRepository,
  type MemorySearchHit,
  MemorySelector,
  type MemoryServiceRepository,
  MemoryType,
  MmrOptions,
  type PlannedChange,
  PurgeExpiredMemoriesInput,
  type PurgeExpiredMemoriesResult,
  planMemoryChanges,
  RULE_DECIDER_ID,
  type RuleDeciderOptions,
  ruleDecider,
  SearchMemoriesInput,
  UpdateMemoryInput,
} from './memory/index.js'
export { type Page, PageLimit } from './pagination.js'
export * from './realtime/index.js'
export type { ServiceRepositories, UserRepositories } from './repositories.js'
export * from './search-cache/index.js'
export * from './storage/index.js'
export type { SpanAttributes, SpanAttributeValue, SpanLike, TracerLike } from './telemetry.js'
export {
  type Accommodation,
  type AccommodationsRepository,
  AddAccommodationInput,
  AddCollaboratorInput,
  AddFlightInput,
  AddItineraryItemInput,
  AddTransportationInput,
  BookingStatus,
  CollaboratorRole,
  type CollaboratorsRepository,
  CreateTripInput,
  type Flight,
  FlightClass,
  type FlightsRepository,
  GetTripOptions,
  type ItineraryItem,
  ItineraryItemType,
  type ItineraryRepository,
  ListTripsInput,
  SortOrder,
  type Transportation,
  TransportationKind,
  type TransportationRepository,
  type Trip,
  type TripCollaborator,
  TripInclude,
  type TripItemRepository,
  type TripReader,
  type TripRelations,
  TripSortKey,
  TripStatus,
  type TripsRepository,
  TripType,
  type TripWith,
  UpdateAccommodationInput,
  UpdateFlightInput,
  UpdateItineraryItemInput,
  UpdateTransportationInput,
  UpdateTripInput,
} from './trips/index.js'
export { parseInput } from './validation.js'
