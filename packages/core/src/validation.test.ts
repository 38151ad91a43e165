import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { TripSageError } from './errors.js'
import { HybridSearchMemoriesInput, SearchMemoriesInput } from './memory/schema.js'
import { CreateTripInput } from './trips/trip-schema.js'
import { parseInput } from './validation.js'
import { humanIssueMessage, issuePath } from './validation-messages.js'

const refusal = (schema: z.ZodType, input: unknown, what: string) => {
  try {
    parseInput(schema, input, what)
  } catch (error) {
    if (TripSageError.isInstance(error)) return error
    throw error
  }
  throw new Error('accepted')
}

const messagesOf = (schema: z.ZodType, input: unknown) =>
  (schema.safeParse(input).error?.issues ?? []).map((issue) => humanIssueMessage(issue))

describe('parseInput messages', () => {
  it('name the input and the first problem in plain words, never zod internals or values', () => {
    const error = refusal(CreateTripInput, { name: 'SECRET-TRIP' }, 'trip')
    expect(error.code).toBe('validation')
    expect(error.message).toBe('Invalid trip: destination is required (and 2 more)')
    expect(JSON.stringify(error.toJSON())).not.toMatch(/nonoptional|received undefined|SECRET-TRIP/)
    expect(error.details?.issues).toEqual([
      { path: 'destination', code: 'invalid_type', message: 'destination is required' },
      { path: 'startDate', code: 'invalid_type', message: 'startDate is required' },
      { path: 'endDate', code: 'invalid_type', message: 'endDate is required' },
    ])
  })

  it('a bad search query is a memory-search error about the query', () => {
    for (const schema of [SearchMemoriesInput, HybridSearchMemoriesInput]) {
      const error = refusal(schema, { query: '   ' }, 'memory search')
      expect(error.message).toBe('Invalid memory search: query must not be empty')
      expect(error.message).not.toMatch(/content|memory:/)
    }
  })

  it.each([
    ['n must be at most 100', z.strictObject({ n: z.number().int().max(100) }), { n: 101 }],
    ['n must be more than 0', z.strictObject({ n: z.number().positive() }), { n: -1 }],
    ['s must be at most 3 characters', z.strictObject({ s: z.string().max(3) }), { s: 'abcd' }],
    ['a must not be empty', z.strictObject({ a: z.array(z.string()).min(1) }), { a: [] }],
    ['r must be one of: user, assistant', z.strictObject({ r: z.enum(['user', 'assistant']) }), { r: 'bot' }],
    ['id must be a valid UUID', z.strictObject({ id: z.uuid() }), { id: 'x' }],
    ['d must be a valid date (YYYY-MM-DD)', z.strictObject({ d: z.iso.date() }), { d: 'x' }],
    ['e must be a valid email address', z.strictObject({ e: z.email() }), { e: 'x' }],
    ['n must be a number', z.strictObject({ n: z.number() }), { n: 'x' }],
    ['unknown field userId', z.strictObject({}), { userId: 'x' }],
    ['[0].role is required', z.array(z.strictObject({ role: z.string() })), [{}]],
    ['m[0].role is required', z.strictObject({ m: z.array(z.strictObject({ role: z.string() })) }), { m: [{}] }],
    ['must be a city', z.string().refine(() => false, { error: 'must be a city' }), 'x'],
    ['c: is not a city', z.strictObject({ c: z.string().refine(() => false, { error: 'is not a city' }) }), { c: 'x' }],
  ] as const)('%s', (expected, schema, input) => {
    expect(messagesOf(schema as z.ZodType, input)[0]).toBe(expected)
  })

  it('renders paths the way a reader writes them', () => {
    expect(issuePath([])).toBe('')
    expect(issuePath(['messages', 0, 'role'])).toBe('messages[0].role')
    expect(issuePath([2, 'x'])).toBe('[2].x')
  })
})
