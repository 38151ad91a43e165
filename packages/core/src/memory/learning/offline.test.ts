import { describe, expect, it } from 'vitest'
import { extractStatements } from './lexical-extractor.js'
import type { ConversationMessage, MemoryCandidate } from './ports.js'
import { ruleDecider } from './rule-decider.js'

let n = 0
function user(content: string, role: ConversationMessage['role'] = 'user'): ConversationMessage {
  n++
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    role,
    content,
    createdAt: '2026-12-06T00:00:00Z',
  }
}

function memory(id: string, content: string): MemoryCandidate {
  return { id, content, type: 'user_preference', similarity: 0.7, updatedAt: '2026-12-01T00:00:00Z' }
}

const facts = (...messages: ConversationMessage[]) => extractStatements(messages).map((f) => f.content)

describe('lexicalExtractor (the offline default)', () => {
  it('keeps first-person statements of the user, one fact per sentence, fillers cut', () => {
    expect(
      facts(
        user('Planning Lisbon in May. I prefer aisle seats and boutique hotels.'),
        user('Yes please, and we never fly overnight.'),
      ),
    ).toEqual(['I prefer aisle seats and boutique hotels', 'We never fly overnight'])
    expect(facts(user("I'm vegetarian"), user('My favourite airline is TAP'))).toEqual([
      "I'm vegetarian",
      'My favourite airline is TAP',
    ])
  })

  it('a question about preferences is never a preference (the old classifier stored it)', () => {
    expect(
      facts(
        user('What hotels do I like?'),
        user('Do you remember if I prefer aisle seats?'),
        user('Which airline do we usually prefer'),
        user('Would I enjoy Porto?'),
        user('If I like the first hotel, can you book it?'),
        user('What is the weather in Lisbon?'),
      ),
    ).toEqual([])
  })

  it('the assistant, tools and the system are never the user', () => {
    expect(
      facts(user('I prefer to double-check', 'assistant'), user('I love JSON', 'tool'), user('I like rules', 'system')),
    ).toEqual([])
  })

  it('types and importance by kind: constraints, preferences, who the user is, past trips', () => {
    const out = extractStatements([
      user("I'm allergic to peanuts."),
      user('I hate long layovers.'),
      user('We live in Berlin.'),
      user('We visited Kyoto last spring.'),
      user("I'm no longer vegetarian."),
    ])
    expect(out.map((f) => [f.type, f.importance])).toEqual([
      ['user_preference', 0.9],
      ['user_preference', 0.7],
      ['other', 0.6],
      ['trip_history', 0.5],
      ['user_preference', 0.7],
    ])
    expect(out.every((f) => f.sourceMessageIds.length === 1)).toBe(true)
  })
})

describe('ruleDecider (the offline reconciliation)', () => {
  const decide = async (content: string, candidates: MemoryCandidate[]) => {
    const fact = { content, type: 'user_preference' as const, importance: 0.7, sourceMessageIds: ['m'] }
    const { decisions, decider } = await ruleDecider().decide([{ fact, candidates }], { userId: 'u' })
    expect(decider).toBe('rule:reconcile-v1')
    return decisions[0]
  }

  it('near-duplicate → NONE', async () => {
    expect(await decide('I prefer aisle seats', [memory('a', 'I prefer aisle seats.')])).toMatchObject({
      operation: 'NONE',
      targetId: 'a',
    })
  })

  it('same exclusive topic with a newer value → UPDATE, keeping the id', async () => {
    expect(await decide('I prefer window seats now', [memory('a', 'I prefer aisle seats')])).toEqual({
      operation: 'UPDATE',
      targetId: 'a',
      content: 'I prefer window seats now',
      reason: 'newer value',
    })
    expect(await decide('We live in Lisbon now', [memory('h', 'We live in Berlin')])).toMatchObject({
      operation: 'UPDATE',
      targetId: 'h',
    })
  })

  it('a reversal of the same thing → UPDATE', async () => {
    expect(await decide('I love hostels', [memory('s', 'I avoid hostels')])).toMatchObject({
      operation: 'UPDATE',
      targetId: 's',
    })
  })

  it('a withdrawal → DELETE of the memory on that topic; nothing to withdraw → NONE', async () => {
    expect(await decide("I'm no longer vegetarian", [memory('d', "I'm vegetarian")])).toMatchObject({
      operation: 'DELETE',
      targetId: 'd',
    })
    expect(await decide("I don't mind layovers anymore", [memory('l', 'I hate long layovers')])).toMatchObject({
      operation: 'DELETE',
      targetId: 'l',
    })
    expect(await decide("I'm no longer vegetarian", [])).toMatchObject({ operation: 'NONE' })
  })

  it('compatible statements on a shared topic → ADD', async () => {
    expect(await decide("I'm allergic to shellfish", [memory('d', "I'm vegetarian")])).toEqual({ operation: 'ADD' })
    expect(await decide('I avoid middle seats', [memory('a', 'I prefer aisle seats')])).toEqual({ operation: 'ADD' })
    expect(await decide('I love museums', [])).toEqual({ operation: 'ADD' })
  })
})
