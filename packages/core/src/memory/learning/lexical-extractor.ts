import type { MemoryType } from '../schema.js'
import type { ConversationMessage, ExtractedFact, MemoryExtractor } from './ports.js'

/** The id of {@link lexicalExtractor}. */
export const LEXICAL_EXTRACTOR_ID = 'rule:lexical-v2'

/** A statement kind the lexical extractor recognises. */
interface StatementRule {
  readonly pattern: RegExp
  readonly type: MemoryType
  readonly importance: number
}

const subject = String.raw`\b(?:i|we)(?:'m| am| are|'re|'ve| have|'d| would|'ll| will)?`

// Order matters: the first rule that matches a clause decides its type and importance.
const rules: readonly StatementRule[] = [
  // Health and access constraints matter most when booking.
  {
    pattern: new RegExp(
      String.raw`${subject} ?(?:severely |very |also )?(?:allergic|intolerant|celiac|coeliac)\b|${subject} ?(?:use|need) (?:a )?(?:wheelchair|step[- ]free)`,
      'i',
    ),
    type: 'user_preference',
    importance: 0.9,
  },
  {
    pattern: new RegExp(
      String.raw`${subject} ?(?:strictly |also |now |still )?(?:vegetarian|vegan|pescatarian|kosher|halal|gluten[- ]free)\b|${subject} (?:don't|do not|no longer|never) eat\b`,
      'i',
    ),
    type: 'user_preference',
    importance: 0.9,
  },
  // Withdrawn statements: the decider turns them into deletions or updates.
  {
    pattern: new RegExp(
      String.raw`${subject} ?(?:no longer|not \w+ (?:any ?more|these days))\b|${subject} (?:don't|do not) \w+(?: \w+){0,4} any ?more\b|${subject} (?:stopped|quit|gave up)\b`,
      'i',
    ),
    type: 'user_preference',
    importance: 0.7,
  },
  // Lasting likes and dislikes.
  {
    pattern: new RegExp(
      String.raw`${subject} ?(?:really |usually |always |generally |mostly |strongly |much |definitely |also |now |still )?(?:prefer|like|love|enjoy|hate|dislike|avoid|can't stand|cannot stand|don't like|do not like|don't mind|rather)\b|\b(?:my|our) (?:favou?rite|preferred|usual)\b|${subject} (?:always|never|only) (?:fly|book|stay|travel|eat|sit|take|drive|rent)\b|\b(?:my|our) budget\b`,
      'i',
    ),
    type: 'user_preference',
    importance: 0.7,
  },
  // Facts about the traveller: home, companions, loyalty programmes.
  {
    pattern: new RegExp(
      String.raw`${subject} ?(?:live|living|based|moved) (?:in|to)\b|\b(?:my|our) home airport\b|${subject} (?:usually )?fly (?:out of|from)\b|${subject} ?(?:be )?(?:usually |always |mostly )?(?:travel|travelling|traveling) with\b|\b(?:my|our) (?:wife|husband|partner|kids|children|son|daughter|dog) (?:is|are|has|have)\b|${subject} (?:a )?(?:member of|frequent flyer)\b`,
      'i',
    ),
    type: 'other',
    importance: 0.6,
  },
  // Where the user has been.
  {
    pattern: new RegExp(
      String.raw`${subject} ?(?:already |once |recently )?(?:been to|visited|went to|travell?ed to|spent \w+ (?:days|weeks) in)\b`,
      'i',
    ),
    type: 'trip_history',
    importance: 0.5,
  },
]

const question =
  /^(?:do|does|did|can|could|would|should|shall|will|what|which|where|when|who|whom|how|why|is|are|am|any)\b/i
const hypothetical = /^(?:if|unless|suppose|imagine|in case)\b/i
const filler =
  /^(?:(?:yes|yeah|yep|no|nope|ok|okay|sure|great|thanks|thank you|please|also|oh|and|but|so|well|actually|btw|by the way|just so you know|fyi|for the record|to be honest|honestly|one more thing|as you know|as i said|as i mentioned|like i said|as always|remember|just to remind you|again|anyway|hmm|um)[\s,!.:;-]*)+/i

/** Splits a message into sentences. */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+|;\s*/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

/** A clause as a memory: fillers cut, first letter upper-case, trailing punctuation gone. */
function tidy(clause: string): string {
  const cut = clause
    .replace(filler, '')
    .replace(/[\s.!,;:]+$/u, '')
    .trim()
  return cut.length === 0 ? cut : cut[0]?.toUpperCase() + cut.slice(1)
}

/**
 * The offline default {@link MemoryExtractor}: deterministic, free, English-only. Each **user**
 * message is cut into sentences, and a sentence that states something lasting about the user
 * becomes a fact:
 *
 * - health and access constraints ("I'm allergic to peanuts", "I'm vegetarian") → `user_preference`, 0.9;
 * - likes, dislikes and habits ("I prefer aisle seats", "we never fly overnight", "my budget is…"),
 *   and withdrawals ("I'm no longer vegetarian") → `user_preference`, 0.7;
 * - who the user is ("I live in Berlin", "I travel with my two kids") → `other`, 0.6;
 * - where they have been ("we visited Kyoto last spring") → `trip_history`, 0.5.
 *
 * Questions ("Do I prefer…?", "What hotels do I like?") and hypotheticals ("If I like it…") are
 * never facts, nor is anything the assistant, a tool or the system said. The fact is the user's
 * own sentence, tidied; `aiSdkExtractor` rewrites and merges facts, this does not.
 *
 * @example
 * createMemorySyncHandler({ tripsage, embedder, receiver, kv, learning: { extractor: lexicalExtractor() } })
 */
export function lexicalExtractor(): MemoryExtractor {
  return {
    id: LEXICAL_EXTRACTOR_ID,
    extract: async (messages, options) => {
      options.signal?.throwIfAborted()
      return extractStatements(messages)
    },
  }
}

/**
 * The facts {@link lexicalExtractor} finds, synchronously (also used by the sync classifier adapter).
 *
 * @param messages - the conversation, oldest first
 */
export function extractStatements(messages: readonly ConversationMessage[]): ExtractedFact[] {
  const facts: ExtractedFact[] = []
  const seen = new Set<string>()
  for (const message of messages) {
    if (message.role !== 'user') continue
    for (const sentence of sentences(message.content)) {
      const trimmed = tidy(sentence)
      if (sentence.endsWith('?') || question.test(trimmed) || hypothetical.test(trimmed)) continue
      const rule = rules.find((r) => r.pattern.test(trimmed))
      if (!rule) continue
      const content = tidy(trimmed)
      const key = content.toLowerCase()
      if (content.length < 3 || seen.has(key)) continue
      seen.add(key)
      facts.push({ content, type: rule.type, importance: rule.importance, sourceMessageIds: [message.id] })
    }
  }
  return facts
}
