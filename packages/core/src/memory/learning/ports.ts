import { z } from 'zod'
import { MemoryContent, MemoryType } from '../schema.js'

/** One chat message a {@link MemoryExtractor} reads (as the memory-sync job loaded it). */
export interface ConversationMessage {
  /** The chat message id; facts cite it in `sourceMessageIds`. */
  id: string
  /** Who wrote it. Extractors learn about the user from `user` messages; the rest is context. */
  role: 'user' | 'assistant' | 'system' | 'tool'
  /** The message text. */
  content: string
  /** When the message was written (ISO 8601). */
  createdAt: string
}

/** A fact an extractor proposes: what a long-term memory would hold. */
export const CandidateFact = z.strictObject({
  /** One self-contained statement about the user ("Prefers aisle seats"). */
  content: MemoryContent,
  /** The long-term memory type. */
  type: MemoryType,
  /** 0–1: how much it matters when recalled. */
  importance: z.number().min(0).max(1),
})
/** A fact an extractor proposes; see the {@link CandidateFact} schema. */
export type CandidateFact = z.infer<typeof CandidateFact>

/** A {@link CandidateFact} with the messages it was drawn from. */
export interface ExtractedFact extends CandidateFact {
  /** Ids of the messages the fact comes from (at least one; recorded in the history). */
  sourceMessageIds: string[]
}

/** What extractors and deciders get besides their input. */
export interface LearningCallOptions {
  /** The user the memories belong to (e.g. to pick their BYOK model). */
  userId: string
  /** Aborted when the job's time budget runs out or the delivery goes away. */
  signal?: AbortSignal | undefined
}

/**
 * Turns new chat messages into candidate facts about the user. Asynchronous, so an
 * implementation may call a model: `lexicalExtractor()` is the offline default,
 * `aiSdkExtractor({ model })` (from `@tripsage/core/ai-sdk`) asks any AI SDK language model.
 */
export interface MemoryExtractor {
  /** A name for logs and results (`rule:lexical-v1`, `model:<provider>/<model id>`). */
  readonly id: string
  /**
   * The facts stated in `messages` (oldest first), in the order they were stated (a later fact
   * may correct an earlier one; the pipeline keeps the order). Throws a
   * `TripSageError` (`unavailable` for a provider failure or a malformed answer).
   */
  extract(messages: readonly ConversationMessage[], options: LearningCallOptions): Promise<ExtractedFact[]>
}

/** An existing long-term memory a fact is compared with (found by vector search, as the user). */
export interface MemoryCandidate {
  /** The memory id. */
  id: string
  /** Its current content. */
  content: string
  /** Its type. */
  type: z.infer<typeof MemoryType>
  /** Cosine similarity to the fact, 0–1. */
  similarity: number
  /** When it was last changed (ISO 8601). */
  updatedAt: string
}

/** The operations reconciliation chooses from, as in mem0. */
export const MEMORY_OPERATIONS = ['ADD', 'UPDATE', 'DELETE', 'NONE'] as const
/** One of {@link MEMORY_OPERATIONS}. */
export type MemoryOperation = (typeof MEMORY_OPERATIONS)[number]

/**
 * What to do with one fact:
 * - `ADD`: store it as a new memory;
 * - `UPDATE`: merge it into `targetId` (the memory keeps its id), whose content becomes `content`;
 * - `DELETE`: the fact contradicts `targetId`, which is deleted;
 * - `NONE`: nothing to do (already known, or not worth keeping).
 */
export type MemoryDecision =
  | {
      /** Store the fact as a new memory. */
      operation: 'ADD'
      /** Why, in a few words (recorded in the history). */
      reason?: string | undefined
    }
  | {
      /** Merge the fact into an existing memory, keeping its id. */
      operation: 'UPDATE'
      /** The candidate memory to update. */
      targetId: string
      /** The merged content. */
      content: string
      /** Why, in a few words (recorded in the history). */
      reason?: string | undefined
    }
  | {
      /** The fact contradicts an existing memory: delete it. */
      operation: 'DELETE'
      /** The candidate memory to delete. */
      targetId: string
      /** Why, in a few words (recorded in the history). */
      reason?: string | undefined
    }
  | {
      /** Nothing to change (e.g. the fact is already known). */
      operation: 'NONE'
      /** The candidate memory that already holds the fact, if any. */
      targetId?: string | undefined
      /** Why, in a few words (recorded in the history). */
      reason?: string | undefined
    }

/** One fact and the similar memories it is compared with. */
export interface DecisionInput {
  /** The fact. */
  fact: ExtractedFact
  /** The user's most similar long-term memories, most similar first (may be empty). */
  candidates: MemoryCandidate[]
}

/** What a {@link MemoryDecider} answers. */
export interface DecisionResult {
  /** Recorded in the history as the decider: `rule:<name>` or `model:<provider>/<model id>`. */
  decider: string
  /** One decision per input, in order. */
  decisions: MemoryDecision[]
}

/**
 * Decides ADD / UPDATE / DELETE / NONE for each fact. `ruleDecider()` is the deterministic
 * offline default; `aiSdkDecider({ model })` (from `@tripsage/core/ai-sdk`) asks a model.
 */
export interface MemoryDecider {
  /** A name for logs and results; the history records {@link DecisionResult.decider}. */
  readonly id: string
  /**
   * One decision per input, in order. `UPDATE` and `DELETE` must target one of that input's
   * candidates. Throws a `TripSageError` (`unavailable` for a provider failure or a malformed answer).
   */
  decide(inputs: readonly DecisionInput[], options: LearningCallOptions): Promise<DecisionResult>
}
