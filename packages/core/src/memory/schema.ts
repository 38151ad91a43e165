import { z } from 'zod'
import { EMBEDDING_DIMENSIONS } from '../embeddings/embedder.js'
import { JsonObject, type JsonObject as JsonObjectType } from '../json-value.js'
import { PageLimit } from '../pagination.js'

/** Longest memory content, in characters (Unicode code points, as Postgres `char_length` counts). */
export const MAX_MEMORY_CONTENT_LENGTH = 8192

/** The kinds of long-term memory (`memories.memory_type`). */
export const MEMORY_TYPES = [
  'user_preference',
  'trip_history',
  'search_pattern',
  'conversation_context',
  'other',
] as const

/** A kind of long-term memory. */
export const MemoryType = z.enum(MEMORY_TYPES)
/** A kind of long-term memory; see {@link MEMORY_TYPES}. */
export type MemoryType = z.infer<typeof MemoryType>

const codePoints = (s: string): number => {
  let n = 0
  for (const _ of s) n++
  return n
}

/** Memory text: NFC-normalised and trimmed, then 1–8192 characters. */
export const MemoryContent = z
  .string()
  .normalize('NFC')
  .trim()
  .min(1, { error: 'content must not be empty' })
  .refine((s) => codePoints(s) <= MAX_MEMORY_CONTENT_LENGTH, {
    error: `content must be at most ${MAX_MEMORY_CONTENT_LENGTH} characters`,
  })

/** A search query: NFC-normalised and trimmed, then 1–8192 characters (whitespace alone is refused). */
export const MemoryQuery = z
  .string()
  .normalize('NFC')
  .trim()
  .min(1, { error: 'query must not be empty' })
  .refine((s) => codePoints(s) <= MAX_MEMORY_CONTENT_LENGTH, {
    error: `query must be at most ${MAX_MEMORY_CONTENT_LENGTH} characters`,
  })

/**
 * A vector of exactly {@link EMBEDDING_DIMENSIONS} finite numbers. One issue is reported for the
 * whole vector (never 1536 of them, and never the values).
 */
export const Embedding = z.array(z.unknown()).transform((vector, ctx): number[] => {
  if (vector.length !== EMBEDDING_DIMENSIONS) {
    ctx.issues.push({
      code: 'custom',
      input: undefined,
      message: `embedding must have ${EMBEDDING_DIMENSIONS} dimensions`,
    })
    return z.NEVER
  }
  if (!vector.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    ctx.issues.push({ code: 'custom', input: undefined, message: 'embedding must contain only finite numbers' })
    return z.NEVER
  }
  return vector as number[]
})

/** The id of the model that produced an embedding (`embedding_model`), 1–200 characters. */
export const EmbeddingModelId = z.string().min(1).max(200)

/**
 * Free-form JSON metadata; searches filter it by containment (`@>`). The shared `JsonObject`
 * schema: every key is kept (`__proto__` included) and what `jsonb` refuses is refused here.
 */
export const MemoryMetadata = JsonObject
/** Free-form JSON metadata of a memory. */
export type MemoryMetadata = JsonObjectType

const Importance = z.number().min(0).max(1)
const Timestamp = z.iso.datetime({ offset: true })
const Types = z.array(MemoryType).min(1).max(MEMORY_TYPES.length)

const noTypeForSession = (value: { sessionId?: string | undefined; type?: unknown; types?: unknown }) =>
  value.sessionId === undefined || (value.type === undefined && value.types === undefined)
const modelWithEmbedding = (value: { embedding?: unknown; embeddingModel?: unknown }) =>
  value.embeddingModel === undefined || value.embedding !== undefined
const modelWithEmbeddingError = {
  error: 'embeddingModel names the model of `embedding`; pass it only with `embedding`',
  path: ['embeddingModel'],
}

const noTypeForSessionError = {
  error: 'type and types apply to long-term memories only; session memories have no type',
  path: ['sessionId'],
}

/**
 * Input of `memory.add` / `addMany`. With `sessionId` the memory is a session memory
 * (`session_memories`, deleted with the chat session); without it a long-term memory of `type`.
 * Pass `embedding` to skip the embedder (then `embeddingModel`, or the embedder's model, is stored).
 */
export const AddMemoryInput = z
  .strictObject({
    /** The text to remember (1–8192 characters, NFC-normalised and trimmed). */
    content: MemoryContent,
    /** Long-term memories only; default `user_preference`. */
    type: MemoryType.optional(),
    /** Makes it a session memory of this chat session (deleted with the session). */
    sessionId: z.uuid().optional(),
    /** Free-form JSON; searches filter it by containment. */
    metadata: MemoryMetadata.optional(),
    /** 0–1, default 0.5. */
    importance: Importance.optional(),
    /** Recall ignores the memory after this instant; `purgeExpired` deletes it. */
    expiresAt: Timestamp.optional(),
    /** The chat message it came from. For session memories it is unique per user (redelivery-safe). */
    sourceMessageId: z.uuid().optional(),
    /** A precomputed 1536-dim vector; skips the embedder. */
    embedding: Embedding.optional(),
    /** The model of `embedding` (default: the embedder's model id). */
    embeddingModel: EmbeddingModelId.optional(),
  })
  .refine(noTypeForSession, noTypeForSessionError)
  .refine(modelWithEmbedding, modelWithEmbeddingError)
/** Input of `memory.add`; see the {@link AddMemoryInput} schema. */
export type AddMemoryInput = z.input<typeof AddMemoryInput>

/** Most memories one `addMany` call accepts (one embed call and one INSERT per table). */
export const MAX_ADD_MANY = 100

/** Input of `memory.addMany`: 1–100 memories. */
export const AddManyMemoriesInput = z.array(AddMemoryInput).min(1).max(MAX_ADD_MANY)
/** Input of `memory.addMany`. */
export type AddManyMemoriesInput = z.input<typeof AddManyMemoriesInput>

/** A memory id (UUID). */
export const MemoryId = z.uuid()

/** Picks the table of a by-id call: session memories need their `sessionId`. */
export const MemorySelector = z.strictObject({
  /** The chat session of a session memory; omit for long-term memories. */
  sessionId: z.uuid().optional(),
})
/** Which table a by-id call targets. */
export type MemorySelector = z.input<typeof MemorySelector>

/** Input of `memory.update`: at least one field. Changing `content` re-embeds it. */
export const UpdateMemoryInput = z
  .strictObject({
    /** New text; the memory is re-embedded. */
    content: MemoryContent.optional(),
    /** Long-term memories only. */
    type: MemoryType.optional(),
    /** Replaces the metadata. */
    metadata: MemoryMetadata.optional(),
    /** 0–1. */
    importance: Importance.optional(),
    /** `null` clears the expiry. */
    expiresAt: Timestamp.nullable().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { error: 'nothing to update' })
/** Input of `memory.update`. */
export type UpdateMemoryInput = z.input<typeof UpdateMemoryInput>

/** Maximal marginal relevance: trade relevance for diversity among the results. */
export const MmrOptions = z.strictObject({
  /** 1 = pure relevance, 0 = pure diversity; default 0.5. */
  lambda: z.number().min(0).max(1).default(0.5),
  /** Candidates fetched = `limit × fetchMultiplier` (default 4, at most 1000 rows). */
  fetchMultiplier: z.number().int().min(1).max(20).default(4),
})

/**
 * Default `efSearch` of searches (pgvector's own default `hnsw.ef_search` is 40): recall@10 ≥ 0.95
 * on the 10 000-vector test set, ≥ 0.9 on 100 000 realistic synthetic memories of one user
 * (decision 0017). Searches are also PLANNED at this value whatever `efSearch` asks for.
 */
export const DEFAULT_EF_SEARCH = 100

const searchFilters = {
  /** Long-term memories only: restrict to these types. */
  types: Types.optional(),
  /** Search this chat session's memories instead of the long-term ones. */
  sessionId: z.uuid().optional(),
  /** JSON containment: rows whose metadata contains this object (`metadata @> filter`). */
  metadata: MemoryMetadata.optional(),
  /** Only memories created at or after this instant. */
  since: Timestamp.optional(),
  /** Results to return, 1–100; default 10. */
  limit: z.number().int().min(1).max(100).default(10),
  /**
   * Candidate list of the HNSW walk (`hnsw.ef_search`, 1–1000; pgvector's maximum); default
   * {@link DEFAULT_EF_SEARCH}, raised to the rows fetched when lower. Applied when the statement
   * executes: the planner always plans at {@link DEFAULT_EF_SEARCH}, so a larger value buys recall
   * on the index (≈ linear cost) and never turns a big user's search into an exact scan of all
   * their rows. Users the planner serves exactly (their rows + a sort) get exact results anyway.
   */
  efSearch: z.number().int().min(1).max(1000).default(DEFAULT_EF_SEARCH),
  /** A precomputed query vector; skips the embedder. */
  embedding: Embedding.optional(),
  /** The model of `embedding`; rows of other models are not compared. Default: the embedder's. */
  embeddingModel: EmbeddingModelId.optional(),
}

/**
 * Input of `memory.search`: `query` (embedded by the configured embedder) or `embedding`.
 * `similarity` of a hit is cosine similarity, 1 − cosine distance, in [−1, 1].
 */
export const SearchMemoriesInput = z
  .strictObject({
    /** The text to search by meaning (embedded by the configured embedder). */
    query: MemoryQuery.optional(),
    ...searchFilters,
    /** Drop hits whose cosine similarity is below this, in [−1, 1]. */
    minSimilarity: z.number().min(-1).max(1).optional(),
    /** Re-rank for diversity (maximal marginal relevance); `true` = default options. */
    mmr: z.union([z.literal(true), MmrOptions]).optional(),
  })
  .refine((v) => (v.query === undefined) !== (v.embedding === undefined), {
    error: 'pass exactly one of query or embedding',
    path: ['query'],
  })
  .refine(noTypeForSession, noTypeForSessionError)
  .refine(modelWithEmbedding, modelWithEmbeddingError)
/** Input of `memory.search`. */
export type SearchMemoriesInput = z.input<typeof SearchMemoriesInput>

/**
 * Input of `memory.hybridSearch`: `query` feeds both the full-text arm (`websearch_to_tsquery`, so
 * quotes, `or` and `-word` work) and, unless `embedding` is given, the vector arm.
 */
export const HybridSearchMemoriesInput = z
  .strictObject({
    /** The text: words for the full-text arm and, unless `embedding` is given, the vector arm. */
    query: MemoryQuery,
    ...searchFilters,
    /** Weights of the two ranked lists in the fusion; default 1 each. */
    weights: z
      .strictObject({
        /** Weight of the vector (semantic) list. */
        vector: z.number().min(0).max(100).default(1),
        /** Weight of the full-text list. */
        text: z.number().min(0).max(100).default(1),
      })
      .refine((w) => w.vector + w.text > 0, { error: 'at least one weight must be positive' })
      .optional(),
    /** The RRF constant k in Σ weight / (k + rank); default 60. Larger k flattens the rank curve. */
    rrfK: z.number().int().min(1).max(1000).default(60),
    /** Rows each arm ranks before fusion; default max(4 × limit, 40), at most 1000. */
    candidates: z.number().int().min(1).max(1000).optional(),
  })
  .refine(noTypeForSession, noTypeForSessionError)
  .refine(modelWithEmbedding, modelWithEmbeddingError)
/** Input of `memory.hybridSearch`. */
export type HybridSearchMemoriesInput = z.input<typeof HybridSearchMemoriesInput>

/** Input of `memory.list`: newest first, keyset-paginated. */
export const ListMemoriesInput = z
  .strictObject({
    /** Long-term memories only: restrict to these types. */
    types: Types.optional(),
    /** List this chat session's memories instead of the long-term ones. */
    sessionId: z.uuid().optional(),
    /** JSON containment filter on metadata. */
    metadata: MemoryMetadata.optional(),
    /** Include memories past their `expiresAt`; default false. */
    includeExpired: z.boolean().default(false),
    /** Page size, 1–100; default 20. */
    limit: PageLimit,
    /** `nextCursor` of the previous page. */
    cursor: z.string().min(1).optional(),
  })
  .refine(noTypeForSession, noTypeForSessionError)
/** Input of `memory.list`. */
export type ListMemoriesInput = z.input<typeof ListMemoriesInput>

/** Input of `memory.forgetAll`: every long-term memory (of `types`), or every memory of one session. */
export const ForgetAllMemoriesInput = z
  .strictObject({
    /** Long-term memories only: forget only these types. */
    types: Types.optional(),
    /** Forget this chat session's memories instead of the long-term ones. */
    sessionId: z.uuid().optional(),
  })
  .refine(noTypeForSession, noTypeForSessionError)
/** Input of `memory.forgetAll`. */
export type ForgetAllMemoriesInput = z.input<typeof ForgetAllMemoriesInput>

/** Input of `service.memory.purgeExpired`: at most `limit` rows per table per call (default 10 000). */
export const PurgeExpiredMemoriesInput = z.strictObject({
  /** Most rows deleted per table in one call. */
  limit: z.number().int().min(1).max(100_000).default(10_000),
})
/** Input of `service.memory.purgeExpired`. */
export type PurgeExpiredMemoriesInput = z.input<typeof PurgeExpiredMemoriesInput>

/** A stored memory (long-term or session). The embedding itself is not returned. */
export interface Memory {
  /** The memory id (UUID). */
  readonly id: string
  /** The owner. */
  readonly userId: string
  /** The chat session of a session memory; null for a long-term memory. */
  readonly sessionId: string | null
  /** The kind of a long-term memory; null for a session memory. */
  readonly type: MemoryType | null
  /** The remembered text. */
  readonly content: string
  /** sha256 hex of the whitespace-normalised content: the dedup key. */
  readonly contentHash: string
  /** The model that produced the stored embedding. */
  readonly embeddingModel: string
  /** Free-form JSON metadata. */
  readonly metadata: MemoryMetadata
  /** 0–1 (default 0.5). */
  readonly importance: number
  /** The chat message it came from, if any. */
  readonly sourceMessageId: string | null
  /** When recall starts ignoring it (ISO), or null. */
  readonly expiresAt: string | null
  /** ISO timestamp. */
  readonly createdAt: string
  /** ISO timestamp. */
  readonly updatedAt: string
}

/** A `search` hit. */
export interface MemorySearchHit extends Memory {
  /** Cosine similarity to the query, 1 − cosine distance, in [−1, 1] (1 = same direction). */
  readonly similarity: number
}

/** A `hybridSearch` hit, with its score breakdown. */
export interface MemoryHybridHit extends MemorySearchHit {
  /** The fused score Σ weight / (rrfK + rank) over the lists it appears in. */
  readonly score: number
  /** 1-based rank in the vector list, or null when only the full-text arm found it. */
  readonly vectorRank: number | null
  /** 1-based rank in the full-text list, or null when only the vector arm found it. */
  readonly textRank: number | null
}

/** What `purgeExpired` deleted. */
export interface PurgeExpiredMemoriesResult {
  /** Long-term memories deleted. */
  readonly memories: number
  /** Session memories deleted. */
  readonly sessionMemories: number
}

/** Options of `me.memory.history(id, options)`. */
export const MemoryHistoryOptions = z.strictObject({
  /** Most events returned, the newest ones, oldest first (1–1000, default 100). */
  limit: z.int().min(1).max(1000).default(100),
})
/** Options of `me.memory.history`. */
export type MemoryHistoryOptions = z.input<typeof MemoryHistoryOptions>
