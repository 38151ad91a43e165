import { describe, expect, it } from 'vitest'
import { preferenceStatements } from './long-term.js'

const user = (content: string) => ({
  id: '7d5e8a52-6f0b-4c61-9d47-2d7f3f0c1a10',
  role: 'user' as const,
  content,
  createdAt: '2027-04-01T10:00:00.000Z',
})

describe('preferenceStatements', () => {
  it.each([
    'I prefer aisle seats on long flights',
    'We never fly overnight.',
    "I'm vegetarian",
    'Which hotel is best? I prefer quiet streets.',
  ])('keeps a stated preference: %s', (content) => {
    expect(preferenceStatements(user(content))).toEqual({ type: 'user_preference', importance: 0.7 })
  })

  // A question about a preference is not one: the next.js example's agent was recalling the
  // question "Which seats do I prefer?" as if the user had stated it.
  it.each(['Which seats do I prefer on the flight?', 'Do we like boutique hotels?  ', 'What do I love about Lisbon?'])(
    'drops a question: %s',
    (content) => {
      expect(preferenceStatements(user(content))).toBeNull()
    },
  )

  it('never takes the assistant for the user', () => {
    expect(preferenceStatements({ ...user('I prefer aisle seats'), role: 'assistant' })).toBeNull()
  })
})
