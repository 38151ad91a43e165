/**
 * The word lists the offline extractor and decider share: travel topics, polarity, retractions.
 * Lexical and English-only on purpose — the offline path must be deterministic and free; a model
 * (`aiSdkExtractor`, `aiSdkDecider`) does better on anything these lists miss.
 */

/** A travel topic a statement can be about. */
export interface Topic {
  /** Stable name (`seat`, `diet`…). */
  readonly key: string
  /** Matches a statement about the topic. */
  readonly pattern: RegExp
  /** True when a traveller holds one value at a time (one seat preference, one home airport). */
  readonly exclusive: boolean
}

/** The topics, most specific first. */
export const TOPICS: readonly Topic[] = [
  { key: 'allergy', pattern: /\ballerg(?:y|ic|ies)\b|\bintoleran(?:t|ce)\b|\bceliac\b/i, exclusive: false },
  {
    key: 'diet',
    pattern: /\b(?:vegetarian|vegan|pescatarian|kosher|halal|gluten[- ]free|eat meat|eat fish|meat|dairy)\b/i,
    exclusive: true,
  },
  { key: 'seat', pattern: /\b(?:aisle|window|middle|exit[- ]row)\b|\bseats?\b/i, exclusive: true },
  {
    key: 'cabin',
    pattern: /\b(?:economy|premium economy|business class|first class|fly business|fly first)\b/i,
    exclusive: true,
  },
  {
    key: 'home',
    pattern: /\b(?:live in|living in|based in|moved to|home airport|fly out of|flying out of|from home in)\b/i,
    exclusive: true,
  },
  { key: 'budget', pattern: /\bbudget\b|\bspend (?:up to|at most|about)\b/i, exclusive: true },
  { key: 'airline', pattern: /\bairlines?\b|\bfrequent flyer\b|\bmiles with\b/i, exclusive: true },
  {
    key: 'companions',
    pattern: /\btravel(?:l?ing)? with\b|\bmy (?:wife|husband|partner|kids|children|son|daughter|dog)\b/i,
    exclusive: true,
  },
  {
    key: 'flight-times',
    pattern:
      /\b(?:layovers?|stopovers?|overnight|red[- ]eyes?|direct flights?|non[- ]?stop|early flights?|connections?)\b/i,
    exclusive: false,
  },
  {
    key: 'stay',
    pattern: /\b(?:hotels?|hostels?|airbnbs?|apartments?|b&bs?|resorts?|guesthouses?|ryokans?|camping)\b/i,
    exclusive: false,
  },
  {
    key: 'accessibility',
    pattern: /\b(?:wheelchair|step[- ]free|mobility|accessible|accessibility)\b/i,
    exclusive: false,
  },
  {
    key: 'transport',
    pattern: /\b(?:trains?|rental cars?|car hire|drive|driving|buses|ferr(?:y|ies)|cruises?)\b/i,
    exclusive: false,
  },
]

/** The topics a statement is about. */
export function topicsOf(text: string): Topic[] {
  return TOPICS.filter((t) => t.pattern.test(text))
}

const negative =
  /\b(?:hate|hates|dislike|dislikes|avoid|avoids|never|can't stand|cannot stand|don't|do not|doesn't|won't|not a fan|not into|allergic)\b/i

/** True when a statement rejects something ("I hate layovers", "we never fly overnight"). */
export function isNegative(text: string): boolean {
  return negative.test(text)
}

const retraction =
  /\b(?:no longer|not any ?more|any ?more|stopped|quit|gave up|changed my mind|not .{1,30} these days)\b/i

/** True when a statement withdraws an earlier one ("I'm no longer vegetarian", "I don't mind layovers anymore"). */
export function isRetraction(text: string): boolean {
  return retraction.test(text)
}

const stopWords = new Set(
  (
    'i me my we our us you your a an the and or but to of in on at for with from by is am are was were be been ' +
    "it its this that these those do does did so very really just also too i'm we're i've we've i'd we'd " +
    'usually always generally mostly now these days prefer like love enjoy want need would rather much more ' +
    'no longer anymore any not never don t s m ve re ll d'
  ).split(' '),
)

/** The content words of a statement (lowercase, no stop words, no polarity or hedge words). */
export function contentWords(text: string): Set<string> {
  const words =
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}&]+/gu) ?? []
  return new Set(words.filter((w) => !stopWords.has(w) && !negative.test(w)))
}

/** Jaccard similarity of two word sets (1 for two empty sets). */
export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1
  let shared = 0
  for (const w of a) if (b.has(w)) shared++
  return shared / (a.size + b.size - shared)
}
