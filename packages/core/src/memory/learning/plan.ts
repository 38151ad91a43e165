import type { Embedder } from '../../embeddings/embedder.js'
import { TripSageError } from '../../errors.js'
import { embedTexts } from '../embedding.js'
import { MemoryContent, type MemorySearchHit, type MemoryType, type SearchMemoriesInput } from '../schema.js'
import { lexicalExtractor } from './lexical-extractor.js'
import {
  CandidateFact,
  type ConversationMessage,
  type DecisionInput,
  type ExtractedFact,
  type MemoryCandidate,
  type MemoryDecider,
  type MemoryDecision,
  type MemoryExtractor,
  type MemoryOperation,
} from './ports.js'
import { ruleDecider } from './rule-decider.js'

/** How memory learning runs: which extractor and decider, and its bounds. */
export interface MemoryLearningOptions {
  /** Turns messages into facts (default `lexicalExtractor()`). */
  extractor?: MemoryExtractor
  /** Reconciles facts with existing memories (default `ruleDecider()`). */
  decider?: MemoryDecider
  /** Most facts reconciled per call, the most important kept (default 10, at most 50). */
  maxFacts?: number
  /** Similar memories compared with each fact (default 5, at most 20). */
  candidates?: number
  /** Time budget of extraction and decision together, in ms (default 30 000). */
  timeBudgetMs?: number
}

/** What {@link planMemoryChanges} reads through: the user's memory search (RLS applies). */
export interface MemoryLearningReader {
  /** `me.memory.search`. */
  search(input: SearchMemoriesInput): Promise<MemorySearchHit[]>
}

/** One change a plan will make, decided before any write. */
export interface PlannedChange {
  /** The operation to apply. */
  operation: MemoryOperation
  /** The memory an UPDATE, DELETE (or NONE) is about. */
  targetId?: string | undefined
  /** The content hash the target had when the decision was made (the apply step's guard). */
  targetHash?: string | undefined
  /** The new content (ADD, UPDATE). */
  content?: string | undefined
  /** Its embedding (ADD, UPDATE). */
  embedding?: number[] | undefined
  /** The memory type (ADD; UPDATE keeps the target's). */
  type: MemoryType
  /** Importance (ADD; UPDATE keeps the higher of the two). */
  importance: number
  /** The messages the change is drawn from (every fact merged into it). */
  sourceMessageIds: string[]
  /** Why, as the decider put it. */
  reason?: string | undefined
}

/** The outcome of planning: every change, none applied yet. */
export interface MemoryLearningPlan {
  /** The decider recorded in the history (`rule:…` or `model:…`). */
  decider: string
  /** The embedding model of the planned vectors. */
  embeddingModel: string
  /** One change per reconciled fact, in the order the facts were stated. */
  changes: PlannedChange[]
  /** Facts the extractor returned. */
  extracted: number
  /** Facts left out by `maxFacts` (the least important). */
  dropped: number
}

const pendingPrefix = 'pending:'

/**
 * Plans what a batch of new messages teaches about the user, without writing: extract facts
 * (bounded by `maxFacts`), embed them in one call, find each fact's most similar long-term
 * memories (vector search as the user, so RLS applies), and let the decider choose ADD, UPDATE,
 * DELETE or NONE. A fact is also compared with the facts stated before it in the same batch, so
 * "aisle… actually, window seats" ends as one memory. Extraction and decision share one time
 * budget; a slow or malformed extractor or decider is a typed `unavailable` error and nothing is
 * planned. Apply the plan with `applyMemoryPlan` inside the transaction that marks the messages
 * as processed, so a redelivery replays nothing.
 *
 * @param reader - the user's memory search
 * @param embedder - embeds facts (the memories' model)
 * @param messages - the new messages, oldest first
 * @param context - the user, the learning options and the caller's abort signal
 */
export async function planMemoryChanges(
  reader: MemoryLearningReader,
  embedder: Embedder,
  messages: readonly ConversationMessage[],
  context: { userId: string; options?: MemoryLearningOptions | undefined; signal?: AbortSignal | undefined },
): Promise<MemoryLearningPlan> {
  const options = context.options ?? {}
  const extractor = options.extractor ?? lexicalExtractor()
  const decider = options.decider ?? ruleDecider()
  const maxFacts = boundedInteger(options.maxFacts ?? 10, 1, 50, 'maxFacts')
  const k = boundedInteger(options.candidates ?? 5, 1, 20, 'candidates')
  const budgetMs = boundedInteger(options.timeBudgetMs ?? 30_000, 1, 600_000, 'timeBudgetMs')
  const budget = AbortSignal.timeout(budgetMs)
  const signal = context.signal ? AbortSignal.any([context.signal, budget]) : budget
  const empty = { decider: decider.id, embeddingModel: embedder.model, changes: [], extracted: 0, dropped: 0 }
  if (messages.length === 0) return empty

  const call = { userId: context.userId, signal }
  const extracted = await guarded(() => extractor.extract(messages, call), extractor.id, 'extract', budget)
  const facts = validFacts(extracted, messages, extractor.id)
  if (facts.length === 0) return { ...empty, extracted: 0 }
  const kept = keepMostImportant(facts, maxFacts)
  const vectors = await embedTexts(
    embedder,
    kept.map((f) => f.content),
    signal,
  )

  const inputs: DecisionInput[] = []
  const hashes = new Map<string, string>()
  for (const [i, fact] of kept.entries()) {
    const hits = await reader.search({
      embedding: vectors[i] as number[],
      embeddingModel: embedder.model,
      limit: k,
    })
    for (const hit of hits) hashes.set(hit.id, hit.contentHash)
    const stored: MemoryCandidate[] = hits.map((hit) => ({
      id: hit.id,
      content: hit.content,
      type: hit.type ?? 'other',
      similarity: hit.similarity,
      updatedAt: hit.updatedAt,
    }))
    // Facts stated earlier in the batch, as if already stored (most similar first).
    const earlier: MemoryCandidate[] = kept
      .slice(0, i)
      .map((other, j) => ({
        id: `${pendingPrefix}${j}`,
        content: other.content,
        type: other.type,
        similarity: cosine(vectors[i] as number[], vectors[j] as number[]),
        updatedAt: new Date().toISOString(),
      }))
      .filter((c) => c.similarity > 0.2)
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, k)
    inputs.push({ fact, candidates: [...earlier, ...stored] })
  }

  const answer = await guarded(() => decider.decide(inputs, call), decider.id, 'decide', budget)
  const decisions = validDecisions(answer?.decisions, inputs, decider.id)
  const changes = resolve(kept, vectors, decisions, hashes)

  // A model may merge a fact into new wording: embed those contents (one call).
  const reembed = changes.filter((c) => c.content !== undefined && c.embedding === undefined)
  const merged = await embedTexts(
    embedder,
    reembed.map((c) => c.content as string),
    signal,
  )
  reembed.forEach((c, i) => {
    c.embedding = merged[i]
  })
  return {
    decider: typeof answer.decider === 'string' && answer.decider.length > 0 ? answer.decider : decider.id,
    embeddingModel: embedder.model,
    changes,
    extracted: facts.length,
    dropped: facts.length - kept.length,
  }
}

/** Turns decisions into changes, folding decisions about earlier facts of the batch into them. */
function resolve(
  facts: ExtractedFact[],
  vectors: number[][],
  decisions: MemoryDecision[],
  hashes: Map<string, string>,
): PlannedChange[] {
  const changes: PlannedChange[] = []
  decisions.forEach((decision, i) => {
    const fact = facts[i] as ExtractedFact
    const base = { type: fact.type, importance: fact.importance, sourceMessageIds: [...fact.sourceMessageIds] }
    const reason = decision.reason
    const target = 'targetId' in decision ? decision.targetId : undefined
    if (target?.startsWith(pendingPrefix)) {
      const earlier = changes[Number(target.slice(pendingPrefix.length))] as PlannedChange
      changes.push({ ...base, operation: 'NONE', reason })
      if (decision.operation === 'UPDATE' && (earlier.operation === 'ADD' || earlier.operation === 'UPDATE')) {
        earlier.content = decision.content
        earlier.embedding = decision.content === fact.content ? vectors[i] : undefined
        earlier.importance = Math.max(earlier.importance, fact.importance)
        earlier.sourceMessageIds = union(earlier.sourceMessageIds, fact.sourceMessageIds)
        earlier.reason = reason
      } else if (decision.operation === 'DELETE' && earlier.operation === 'ADD') {
        Object.assign(earlier, { operation: 'NONE', content: undefined, embedding: undefined, reason })
      } else if (decision.operation === 'DELETE' && earlier.operation === 'UPDATE') {
        earlier.operation = 'DELETE'
        earlier.content = undefined
        earlier.embedding = undefined
        earlier.sourceMessageIds = union(earlier.sourceMessageIds, fact.sourceMessageIds)
        earlier.reason = reason
      } else if (decision.operation === 'UPDATE') {
        // The earlier fact came to nothing (NONE or DELETE): this one stands on its own.
        changes[i] = { ...base, operation: 'ADD', content: fact.content, embedding: vectors[i], reason }
      }
      return
    }
    // A later decision about a memory an earlier one already changes wins: one statement per memory.
    if (target !== undefined && (decision.operation === 'UPDATE' || decision.operation === 'DELETE')) {
      const earlier = changes.find(
        (c) => c.targetId === target && (c.operation === 'UPDATE' || c.operation === 'DELETE'),
      )
      if (earlier?.operation === 'DELETE' && decision.operation === 'DELETE') {
        changes.push({ ...base, operation: 'NONE', targetId: target, reason })
        return
      }
      if (earlier?.operation === 'UPDATE') {
        base.sourceMessageIds = union(earlier.sourceMessageIds, base.sourceMessageIds)
        Object.assign(earlier, { operation: 'NONE', content: undefined, embedding: undefined })
      }
    }
    switch (decision.operation) {
      case 'ADD':
        changes.push({ ...base, operation: 'ADD', content: fact.content, embedding: vectors[i], reason })
        return
      case 'UPDATE':
        // The target is deleted by an earlier change of this plan: the newer value stands alone.
        if (changes.some((c) => c.operation === 'DELETE' && c.targetId === decision.targetId)) {
          changes.push({ ...base, operation: 'ADD', content: decision.content, embedding: undefined, reason })
          return
        }
        changes.push({
          ...base,
          operation: 'UPDATE',
          targetId: decision.targetId,
          targetHash: hashes.get(decision.targetId),
          content: decision.content,
          embedding: decision.content === fact.content ? vectors[i] : undefined,
          reason,
        })
        return
      case 'DELETE':
        changes.push({
          ...base,
          operation: 'DELETE',
          targetId: decision.targetId,
          targetHash: hashes.get(decision.targetId),
          reason,
        })
        return
      default:
        changes.push({ ...base, operation: 'NONE', targetId: decision.targetId, reason })
    }
  })
  return changes
}

/** Runs an extractor or decider call: its failures, and the budget running out, are typed. */
async function guarded<T>(fn: () => Promise<T>, id: string, stage: string, budget: AbortSignal): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    if (budget.aborted) {
      throw new TripSageError('unavailable', 'Memory learning ran out of its time budget', {
        details: { stage, [stage === 'extract' ? 'extractor' : 'decider']: id },
      })
    }
    if (TripSageError.isInstance(error)) throw error
    throw new TripSageError('unavailable', `The memory ${stage === 'extract' ? 'extractor' : 'decider'} failed`, {
      cause: error instanceof Error ? { name: error.name } : undefined,
      details: { stage, [stage === 'extract' ? 'extractor' : 'decider']: id },
    })
  }
}

function malformed(stage: string, id: string, problem: string): TripSageError {
  return new TripSageError('unavailable', `The memory ${stage} returned a malformed answer`, {
    details: { reason: 'malformed_answer', stage, [stage === 'extractor' ? 'extractor' : 'decider']: id, problem },
  })
}

function validFacts(facts: unknown, messages: readonly ConversationMessage[], id: string): ExtractedFact[] {
  if (!Array.isArray(facts)) throw malformed('extractor', id, 'not a list of facts')
  const ids = new Set(messages.map((m) => m.id))
  return facts.map((fact, i) => {
    const parsed = CandidateFact.safeParse({ content: fact?.content, type: fact?.type, importance: fact?.importance })
    const sources: unknown = fact?.sourceMessageIds
    if (!parsed.success) throw malformed('extractor', id, `fact ${i} does not match the fact schema`)
    if (!Array.isArray(sources) || sources.length === 0 || !sources.every((s) => typeof s === 'string' && ids.has(s))) {
      throw malformed('extractor', id, `fact ${i} cites no message of the batch`)
    }
    return { ...parsed.data, sourceMessageIds: [...new Set(sources as string[])] }
  })
}

function validDecisions(decisions: unknown, inputs: DecisionInput[], id: string): MemoryDecision[] {
  if (!Array.isArray(decisions) || decisions.length !== inputs.length) {
    throw malformed('decider', id, 'not one decision per fact')
  }
  return decisions.map((decision, i) => {
    const allowed = new Set((inputs[i] as DecisionInput).candidates.map((c) => c.id))
    const op = decision?.operation
    const reason = typeof decision?.reason === 'string' ? decision.reason.slice(0, 2000) : undefined
    if (op === 'ADD') return { operation: 'ADD', reason }
    if (op === 'NONE') {
      const target = allowed.has(decision.targetId) ? decision.targetId : undefined
      return { operation: 'NONE', targetId: target, reason }
    }
    if ((op === 'UPDATE' || op === 'DELETE') && allowed.has(decision.targetId)) {
      if (op === 'DELETE') return { operation: 'DELETE', targetId: decision.targetId, reason }
      const content = MemoryContent.safeParse(decision.content)
      if (content.success) return { operation: 'UPDATE', targetId: decision.targetId, content: content.data, reason }
      throw malformed('decider', id, `decision ${i} has no valid content`)
    }
    throw malformed('decider', id, `decision ${i} is not ADD, UPDATE, DELETE or NONE of a candidate`)
  })
}

/** The `max` most important facts, in the order they were stated. */
function keepMostImportant(facts: ExtractedFact[], max: number): ExtractedFact[] {
  if (facts.length <= max) return facts
  const keep = new Set(
    facts
      .map((fact, i) => ({ fact, i }))
      .sort((a, b) => b.fact.importance - a.fact.importance || a.i - b.i)
      .slice(0, max)
      .map((x) => x.i),
  )
  return facts.filter((_, i) => keep.has(i))
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])]
}

function cosine(a: number[], b: number[]): number {
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number
    const y = b[i] as number
    dot += x * y
    na += x * x
    nb += y * y
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb)
}

function boundedInteger(value: number, min: number, max: number, option: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TripSageError('validation', `${option} must be an integer between ${min} and ${max}`, {
      details: { option },
    })
  }
  return value
}
