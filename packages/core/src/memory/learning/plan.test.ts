import { describe, expect, it } from 'vitest'
import { localEmbedder } from '../../embeddings/local-embedder.js'
import { TripSageError } from '../../errors.js'
import type { MemorySearchHit } from '../schema.js'
import { type MemoryLearningReader, planMemoryChanges } from './plan.js'
import type { ConversationMessage, MemoryDecider, MemoryDecision, MemoryExtractor } from './ports.js'

// Unit tests of the planning step with fakes of our own ports (reader, extractor, decider).

const embedder = localEmbedder()
const stored: MemorySearchHit[] = [
  {
    id: '00000000-0000-4000-8000-0000000000a1',
    userId: 'u',
    sessionId: null,
    type: 'other',
    content: 'I live in Berlin',
    contentHash: 'h-berlin',
    embeddingModel: embedder.model,
    metadata: {},
    importance: 0.6,
    sourceMessageId: null,
    expiresAt: null,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    similarity: 0.8,
  },
]
const reader: MemoryLearningReader = { search: async () => stored }
const berlin = stored[0]?.id as string

function batch(...contents: string[]): ConversationMessage[] {
  return contents.map((content, i) => ({
    id: `00000000-0000-4000-8000-00000000000${i + 1}`,
    role: 'user',
    content,
    createdAt: '2026-12-06T00:00:00Z',
  }))
}

/** One fact per message, verbatim. */
const verbatim: MemoryExtractor = {
  id: 'test:verbatim',
  extract: async (messages) =>
    messages.map((m) => ({ content: m.content, type: 'other', importance: 0.6, sourceMessageIds: [m.id] })),
}

function scripted(...decisions: MemoryDecision[]): MemoryDecider {
  return { id: 'test:scripted', decide: async () => ({ decider: 'test:scripted', decisions }) }
}

const plan = (messages: ConversationMessage[], decider: MemoryDecider) =>
  planMemoryChanges(reader, embedder, messages, { userId: 'u', options: { extractor: verbatim, decider } })

describe('planMemoryChanges: one statement per memory when decisions meet', () => {
  it('DELETE then UPDATE of the same memory: the newer value is added', async () => {
    const p = await plan(
      batch("I don't live in Berlin anymore", "I'm based in Vienna now"),
      scripted(
        { operation: 'DELETE', targetId: berlin },
        { operation: 'UPDATE', targetId: berlin, content: "I'm based in Vienna now" },
      ),
    )
    expect(p.changes.map((c) => [c.operation, c.targetId, c.content])).toEqual([
      ['DELETE', berlin, undefined],
      ['ADD', undefined, "I'm based in Vienna now"],
    ])
    expect(p.changes[1]?.embedding).toHaveLength(1536)
  })

  it('UPDATE then DELETE of the same memory: only the DELETE stays, citing both messages', async () => {
    const messages = batch('We live in Berlin-Mitte', 'We left Berlin')
    const p = await plan(
      messages,
      scripted(
        { operation: 'UPDATE', targetId: berlin, content: 'We live in Berlin-Mitte' },
        { operation: 'DELETE', targetId: berlin },
      ),
    )
    expect(p.changes.map((c) => c.operation)).toEqual(['NONE', 'DELETE'])
    expect(p.changes[1]?.sourceMessageIds.sort()).toEqual(messages.map((m) => m.id).sort())
    expect(p.changes[1]?.targetHash).toBe('h-berlin')
  })

  it('a later fact updating an earlier one of the batch folds into its ADD', async () => {
    const p = await plan(
      batch('I prefer aisle seats', 'I prefer window seats'),
      scripted({ operation: 'ADD' }, { operation: 'UPDATE', targetId: 'pending:0', content: 'I prefer window seats' }),
    )
    expect(p.changes.map((c) => [c.operation, c.content])).toEqual([
      ['ADD', 'I prefer window seats'],
      ['NONE', undefined],
    ])
    expect(p.changes[0]?.sourceMessageIds).toHaveLength(2)
  })

  it('a decision about a memory that was not a candidate is a malformed answer; nothing planned', async () => {
    const error = await plan(
      batch('I live in Munich'),
      scripted({ operation: 'DELETE', targetId: '00000000-0000-4000-8000-0000000000ff' }),
    ).catch((e: unknown) => e)
    expect(TripSageError.isInstance(error) && error.code).toBe('unavailable')
    expect((error as TripSageError).details).toMatchObject({ reason: 'malformed_answer', stage: 'decider' })
  })
})
