/**
 * A deterministic, clustered travel-memory corpus for the peer suite: each memory belongs to one
 * of 40 topics (its words cluster it) and one user; queries are short phrases from a topic, asked
 * by a user.
 */

/** One memory of the corpus. */
export interface CorpusMemory {
  /** Index in the corpus; stored in every library's metadata as `doc`. */
  doc: number
  /** Index of the owning user (0 … users − 1). */
  user: number
  topic: number
  text: string
}

/** One query: a user and a phrase. */
export interface CorpusQuery {
  user: number
  text: string
}

const topics = [
  'aisle seat legroom overnight flight',
  'vegan restaurant plant based dinner',
  'ferry crossing island harbour',
  'museum gallery modern art exhibition',
  'hiking trail mountain summit',
  'beach sunbed snorkelling lagoon',
  'visa passport embassy appointment',
  'train sleeper carriage rail pass',
  'boutique hotel rooftop terrace',
  'ramen noodle bar late night',
  'wine tasting vineyard cellar',
  'ski resort lift pass powder',
  'street food night market stalls',
  'budget hostel dorm bunk',
  'family friendly kids pool resort',
  'dog friendly apartment pets allowed',
  'wheelchair accessible step free access',
  'jazz club live music venue',
  'cooking class local market tour',
  'scuba diving reef certification',
  'road trip rental car convertible',
  'travel insurance medical cover claim',
  'airport lounge priority boarding',
  'photography sunrise viewpoint tripod',
  'spa thermal baths massage',
  'cycling bike tour river path',
  'desert camp camel dunes stars',
  'safari game drive wildlife lodge',
  'cathedral old town walking tour',
  'coffee roastery espresso pastry',
  'halal food prayer room',
  'gluten free bakery celiac menu',
  'window seat scenic views wing',
  'late checkout early breakfast',
  'kayak paddle board rental lake',
  'festival tickets parade fireworks',
  'language exchange phrasebook lessons',
  'currency exchange cash card fees',
  'train strike delay refund',
  'lost luggage baggage claim tracking',
].map((t) => t.split(' '))

const cities = [
  'Lisbon',
  'Porto',
  'Kyoto',
  'Osaka',
  'Seville',
  'Madrid',
  'Naples',
  'Rome',
  'Oslo',
  'Bergen',
  'Hanoi',
  'Hoi An',
  'Cusco',
  'Lima',
  'Tbilisi',
  'Split',
  'Lyon',
  'Nice',
  'Cape Town',
  'Marrakesh',
]
const openers = ['prefers', 'asked about', 'loved the', 'wants', 'booked', 'avoid', 'remember', 'next time']

/** A small seeded PRNG (mulberry32), so every run builds the same corpus. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!

/**
 * `size` memories spread evenly over `users`, and `queries` queries.
 *
 * @param size - memories in total
 * @param users - owners (memory `i` belongs to user `i % users`)
 * @param queries - queries, spread over the users
 */
export function buildCorpus(size: number, users: number, queries: number) {
  const random = prng(9)
  const memories: CorpusMemory[] = []
  for (let doc = 0; doc < size; doc++) {
    const topic = Math.floor(random() * topics.length)
    const words = topics[topic]!
    const chosen = [pick(random, words), pick(random, words), pick(random, words)]
    const text = `${pick(random, openers)} ${chosen.join(' ')} in ${pick(random, cities)} (${pick(random, openers)} ${pick(random, words)}), note ${doc}`
    memories.push({ doc, user: doc % users, topic, text })
  }
  const asked: CorpusQuery[] = []
  for (let q = 0; q < queries; q++) {
    const words = pick(random, topics)
    asked.push({ user: (q * 7) % users, text: `${pick(random, words)} ${pick(random, words)} ${pick(random, cities)}` })
  }
  return { memories, queries: asked }
}
