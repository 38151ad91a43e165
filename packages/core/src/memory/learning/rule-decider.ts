import { contentWords, isNegative, isRetraction, jaccard, topicsOf } from './lexicon.js'
import type { DecisionInput, MemoryCandidate, MemoryDecider, MemoryDecision } from './ports.js'

/** The id {@link ruleDecider} records as the decider. */
export const RULE_DECIDER_ID = 'rule:reconcile-v1'

/** Options of {@link ruleDecider}. */
export interface RuleDeciderOptions {
  /** Word overlap (Jaccard of content words) at which a fact repeats a memory: NONE (default 0.8). */
  duplicateOverlap?: number
  /** Word overlap at which a fact of the opposite polarity revises a memory: UPDATE (default 0.5). */
  revisionOverlap?: number
}

/**
 * The deterministic offline {@link MemoryDecider}. For each fact, against its candidates (most
 * similar first):
 *
 * 1. a near-duplicate (same polarity, content-word overlap ≥ 0.8) → `NONE`;
 * 2. a withdrawal ("I'm no longer vegetarian", "I don't mind layovers anymore") of a memory on
 *    the same topic or sharing content words → `DELETE` it; with nothing to withdraw → `NONE`;
 * 3. the same exclusive topic (seat, cabin, diet, home, budget, airline, companions) with the same
 *    polarity, or the same subject with the opposite polarity ("I love hostels" after "I avoid
 *    hostels", overlap ≥ 0.5) → `UPDATE` it to the newer statement;
 * 4. otherwise → `ADD`.
 *
 * It never merges two statements into one sentence (a model does: `aiSdkDecider`).
 */
export function ruleDecider(options: RuleDeciderOptions = {}): MemoryDecider {
  const duplicateOverlap = options.duplicateOverlap ?? 0.8
  const revisionOverlap = options.revisionOverlap ?? 0.5
  const decideOne = ({ fact, candidates }: DecisionInput): MemoryDecision => {
    const words = contentWords(fact.content)
    const negative = isNegative(fact.content)
    const retraction = isRetraction(fact.content)
    const topics = new Set(topicsOf(fact.content).map((t) => t.key))
    const exclusive = new Set(
      topicsOf(fact.content)
        .filter((t) => t.exclusive)
        .map((t) => t.key),
    )
    const facts = candidates.map((c) => ({
      c,
      overlap: jaccard(words, contentWords(c.content)),
      sameTopic: topicsOf(c.content).some((t) => topics.has(t.key)),
      sameExclusiveTopic: topicsOf(c.content).some((t) => exclusive.has(t.key)),
      negative: isNegative(c.content),
    }))
    const duplicate = facts.find((f) => !retraction && f.overlap >= duplicateOverlap && f.negative === negative)
    if (duplicate) return { operation: 'NONE', targetId: duplicate.c.id, reason: 'near-duplicate' }
    if (retraction) {
      const withdrawn = facts.find((f) => f.sameTopic && f.overlap > 0) ?? facts.find((f) => f.sameTopic)
      return withdrawn
        ? { operation: 'DELETE', targetId: withdrawn.c.id, reason: 'withdrawn' }
        : { operation: 'NONE', reason: 'nothing to withdraw' }
    }
    const revised =
      facts.find((f) => f.sameExclusiveTopic && f.negative === negative) ??
      facts.find((f) => f.overlap >= revisionOverlap && f.negative !== negative)
    if (revised) return update(revised.c, fact.content)
    return { operation: 'ADD' }
  }
  return {
    id: RULE_DECIDER_ID,
    decide: async (inputs, callOptions) => {
      callOptions.signal?.throwIfAborted()
      return { decider: RULE_DECIDER_ID, decisions: inputs.map(decideOne) }
    },
  }
}

function update(candidate: MemoryCandidate, content: string): MemoryDecision {
  return { operation: 'UPDATE', targetId: candidate.id, content, reason: 'newer value' }
}
