import type { MemoryType } from '@tripsage/core'
import type { MemorySyncMessage } from './schema.js'

/** What a {@link LongTermClassifier} decides for a message that should also be a long-term memory. */
export interface LongTermMemoryDecision {
  /** The long-term memory type. */
  type: MemoryType
  /** 0–1. */
  importance: number
}

/** Decides which synced messages also become long-term memories (null: session memory only). */
export type LongTermClassifier = (message: MemorySyncMessage) => LongTermMemoryDecision | null

// First-person statements of a lasting preference or constraint: "I prefer aisle seats", "we
// love boutique hotels", "I'm vegetarian", "my favourite airline is…", "I can't stand layovers".
const preference =
  /\b(?:i|we)(?:'m| am| are)? ?(?:really |usually |always |never |don't |do not |generally |mostly )?(?:prefer|like|love|enjoy|hate|dislike|avoid|need|want|can't stand|cannot stand|am allergic|'m allergic|are allergic|vegetarian|vegan|gluten[- ]free|kosher|halal)\b|\bmy (?:favou?rite|preferred)\b|\b(?:i|we) (?:always|never) (?:fly|book|stay|travel|eat|sit)\b/i

/** A sentence that states the preference rather than asks about it ("Which seats do I prefer?"). */
const statesPreference = (text: string): boolean =>
  text.split(/(?<=[.!?])\s+/).some((sentence) => preference.test(sentence) && !sentence.trimEnd().endsWith('?'))

/**
 * The default rule: a **user** message stating a first-person preference or constraint ("I prefer
 * aisle seats", "we never fly overnight", "I'm vegetarian", "my favourite hotel chain is…") becomes
 * a `user_preference` long-term memory with importance 0.7. A question about one ("Which seats do I
 * prefer?") does not, nor do assistant, system and tool messages: the assistant's words are not the
 * user's preferences. Lexical and deliberately conservative — pass your own `longTerm` classifier
 * (e.g. an LLM call) for more.
 *
 * @param message - one synced message
 */
export const preferenceStatements: LongTermClassifier = (message) =>
  message.role === 'user' && statesPreference(message.content) ? { type: 'user_preference', importance: 0.7 } : null
