/**
 * The labelled set of the memory-quality bench: 30 short travel-planning conversations, each with
 * the user's memories before it, the operations memory learning should perform, and the memories
 * that should exist after it. Written by hand for this bench (not drawn from any user data).
 *
 * Matching is by keywords, so a model may word a memory its own way:
 * - `{ add: ['window'] }`: an ADD whose content contains every keyword (case-insensitive);
 * - `{ update: 'seat' }` / `{ delete: 'seat' }`: an UPDATE / DELETE of the existing memory keyed `seat`;
 * - `{ any: [...] }`: any one of the alternatives; `optional: true`: neither required nor an error.
 * `final` lists keyword sets: every set must be covered by a remaining memory, and every remaining
 * memory must cover a set (of `final` or `optionalFinal`).
 *
 * Some cases are beyond the offline rules on purpose (implicit preferences, paraphrases, compatible
 * facts on one topic): the bench reports what the offline default misses, not a tuned score.
 */

export type ExpectedOp = { add: string[] } | { update: string } | { delete: string }

export interface ExpectedEntry {
  any: ExpectedOp[]
  optional?: boolean
}

export interface Conversation {
  id: string
  existing: { key: string; content: string; type?: 'user_preference' | 'trip_history' | 'other' }[]
  messages: { role: 'user' | 'assistant'; content: string }[]
  operations: (ExpectedOp | ExpectedEntry)[]
  final: string[][]
  optionalFinal?: string[][]
}

const u = (content: string) => ({ role: 'user' as const, content })
const a = (content: string) => ({ role: 'assistant' as const, content })

export const conversations: Conversation[] = [
  {
    id: 'first-preferences',
    existing: [],
    messages: [
      u('Hi! Planning a week in Lisbon in May. I prefer aisle seats and I am vegetarian.'),
      a('Great, I will look for aisle seats and vegetarian-friendly restaurants.'),
    ],
    operations: [{ add: ['aisle'] }, { add: ['vegetarian'] }],
    final: [['aisle'], ['vegetarian']],
  },
  {
    id: 'seat-changes',
    existing: [{ key: 'seat', content: 'I prefer aisle seats' }],
    messages: [u('For this trip and from now on I prefer window seats.'), a('Window seats noted.')],
    operations: [{ update: 'seat' }],
    final: [['window']],
  },
  {
    id: 'diet-withdrawn',
    existing: [{ key: 'diet', content: "I'm vegetarian" }],
    messages: [u("I'm no longer vegetarian, so steakhouses are fine."), a('Good to know!')],
    operations: [{ any: [{ delete: 'diet' }, { update: 'diet' }] }],
    final: [],
    optionalFinal: [['vegetarian']],
  },
  {
    id: 'repeat-known',
    existing: [{ key: 'seat', content: 'I prefer aisle seats' }],
    messages: [u('As I said, I prefer aisle seats.')],
    operations: [],
    final: [['aisle']],
  },
  {
    id: 'questions-only',
    existing: [],
    messages: [u('What hotels do I usually like?'), a('I do not know yet.'), u('And do I prefer trains or planes?')],
    operations: [],
    final: [],
  },
  {
    id: 'assistant-opinion',
    existing: [],
    messages: [a('I love Kyoto in autumn, shall I plan a week there?'), u('Sounds great, book it.')],
    operations: [],
    final: [],
  },
  {
    id: 'moved-city',
    existing: [{ key: 'home', content: 'I live in Berlin', type: 'other' }],
    messages: [u('We moved to Munich last month, so flights should leave from MUC.')],
    operations: [{ update: 'home' }],
    final: [['munich']],
  },
  {
    id: 'allergy-next-to-diet',
    existing: [{ key: 'diet', content: "I'm vegetarian" }],
    messages: [u("I'm also allergic to peanuts.")],
    operations: [{ add: ['peanut'] }],
    final: [['vegetarian'], ['peanut']],
  },
  {
    id: 'layovers-fine-now',
    existing: [{ key: 'layover', content: 'I hate long layovers' }],
    messages: [u("I don't mind layovers anymore if the ticket is cheaper.")],
    operations: [{ any: [{ delete: 'layover' }, { update: 'layover' }] }],
    final: [],
    optionalFinal: [['layover']],
  },
  {
    id: 'hostels-flip',
    existing: [{ key: 'stay', content: 'I avoid hostels' }],
    messages: [u("These days I love hostels, they're social.")],
    operations: [{ update: 'stay' }],
    final: [['hostel']],
  },
  {
    id: 'past-trip',
    existing: [],
    messages: [u('Last year we visited Kyoto and loved it.'), a('Lovely! Japan again?')],
    operations: [{ add: ['kyoto'] }],
    final: [['kyoto']],
  },
  {
    id: 'companions',
    existing: [],
    messages: [u("I'll be travelling with my wife and our two kids.")],
    operations: [{ add: ['wife'] }],
    final: [['wife']],
  },
  {
    id: 'budget-raised',
    existing: [{ key: 'budget', content: 'My budget is 2000 euros per trip' }],
    messages: [u('Our budget is now 3000 euros.')],
    operations: [{ update: 'budget' }],
    final: [['3000']],
  },
  {
    id: 'airline-switch',
    existing: [{ key: 'airline', content: 'My favourite airline is TAP' }],
    messages: [u('My favourite airline is now KLM.')],
    operations: [{ update: 'airline' }],
    final: [['klm']],
  },
  {
    id: 'cabin-habit',
    existing: [],
    messages: [u('For long-haul I always fly business class.')],
    operations: [{ add: ['business'] }],
    final: [['business']],
  },
  {
    id: 'one-off-request',
    existing: [
      { key: 'seat', content: 'I prefer aisle seats' },
      { key: 'diet', content: "I'm vegetarian" },
    ],
    messages: [u('Book me a window seat this time, just for this flight.'), a('Done.')],
    operations: [],
    final: [['aisle'], ['vegetarian']],
  },
  {
    id: 'hypothetical',
    existing: [],
    messages: [u('If I like Porto, we might move there someday.')],
    operations: [],
    final: [],
  },
  {
    id: 'someone-else',
    existing: [],
    messages: [u('My sister hates flying, she takes the train everywhere.')],
    operations: [],
    final: [],
  },
  {
    id: 'accessibility',
    existing: [],
    messages: [u('My father uses a wheelchair, so we need step-free hotels.')],
    operations: [{ add: ['step-free'] }],
    final: [['step-free']],
  },
  {
    id: 'corrected-in-one-breath',
    existing: [],
    messages: [u('I prefer aisle seats. Actually no, I prefer window seats.')],
    operations: [{ add: ['window'] }],
    final: [['window']],
  },
  {
    id: 'paraphrased-repeat',
    existing: [{ key: 'diet', content: "I'm vegetarian" }],
    messages: [u("I'm strictly vegetarian, remember.")],
    operations: [{ any: [{ update: 'diet' }], optional: true }],
    final: [['vegetarian']],
  },
  {
    id: 'moved-with-retraction',
    existing: [{ key: 'home', content: 'I live in Berlin', type: 'other' }],
    messages: [u("I don't live in Berlin anymore; I'm based in Vienna now.")],
    operations: [{ any: [{ update: 'home' }, { delete: 'home' }] }, { any: [{ add: ['vienna'] }], optional: true }],
    final: [['vienna']],
  },
  {
    id: 'search-habit',
    existing: [],
    messages: [u('I always search for flights on Tuesdays, they are cheaper.')],
    operations: [{ add: ['tuesday'] }],
    final: [['tuesday']],
  },
  {
    id: 'implicit-red-eye',
    existing: [],
    messages: [u('Ugh, the last red-eye wrecked me. Never again.')],
    operations: [{ add: ['red-eye'] }],
    final: [['red-eye']],
  },
  {
    id: 'dog',
    existing: [],
    messages: [u('We always travel with our dog, Biscuit.')],
    operations: [{ add: ['dog'] }],
    final: [['dog']],
  },
  {
    id: 'slow-travel',
    existing: [],
    messages: [u('We like slow trips with lots of museums.')],
    operations: [{ add: ['museum'] }],
    final: [['museum']],
  },
  {
    id: 'resorts-no-more',
    existing: [{ key: 'resort', content: 'I love beach resorts' }],
    messages: [u("I can't stand beach resorts anymore, too crowded.")],
    operations: [{ any: [{ delete: 'resort' }, { update: 'resort' }] }],
    final: [],
    optionalFinal: [['resort']],
  },
  {
    id: 'confirmed-suggestion',
    existing: [],
    messages: [a('Should I remember that you prefer direct flights?'), u('Yes, I prefer direct flights.')],
    operations: [{ add: ['direct'] }],
    final: [['direct']],
  },
  {
    id: 'logistics-only',
    existing: [{ key: 'seat', content: 'I prefer aisle seats' }],
    messages: [
      u('We land on May 3rd at 10am. Can you find a taxi?'),
      a('Sure, a taxi from the airport takes about 20 minutes.'),
      u('Also the hotel on Rua Augusta looks nice.'),
    ],
    operations: [],
    final: [['aisle']],
  },
  {
    id: 'second-diet-constraint',
    existing: [{ key: 'diet', content: "I'm vegetarian" }],
    messages: [u("I'm also gluten-free.")],
    operations: [{ any: [{ add: ['gluten'] }, { update: 'diet' }] }],
    final: [['vegetarian'], ['gluten']],
  },
]
