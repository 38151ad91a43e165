import type { ExtractedFact, MemoryExtractor, MemoryType } from '@tripsage/core'
import type { MemorySyncMessage } from './schema.js'

/** What a {@link LongTermClassifier} decides for a message that should also be a long-term memory. */
export interface LongTermMemoryDecision {
  /** The long-term memory type. */
  type: MemoryType
  /** 0–1. */
  importance: number
}

/**
 * The synchronous per-message classifier of earlier versions (`longTerm` option).
 *
 * @deprecated Memory sync now takes an asynchronous `MemoryExtractor` (`learning.extractor`).
 * Wrap an existing classifier with {@link classifierExtractor} to keep its behaviour.
 */
export type LongTermClassifier = (message: MemorySyncMessage) => LongTermMemoryDecision | null

/**
 * Adapts a {@link LongTermClassifier} to the `MemoryExtractor` port: each message it picks becomes
 * one fact holding the whole message. The migration path from `longTerm: classifier` to
 * `learning: { extractor: classifierExtractor(classifier) }`.
 *
 * @param classifier - the old classifier
 * @param id - the extractor's id (default `rule:classifier`)
 */
export function classifierExtractor(classifier: LongTermClassifier, id = 'rule:classifier'): MemoryExtractor {
  return {
    id,
    extract: async (messages) =>
      messages.flatMap((message): ExtractedFact[] => {
        const decision = classifier(message)
        return decision
          ? [
              {
                content: message.content,
                type: decision.type,
                importance: decision.importance,
                sourceMessageIds: [message.id],
              },
            ]
          : []
      }),
  }
}
