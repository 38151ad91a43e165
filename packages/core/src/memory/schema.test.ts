import { describe, expect, it } from 'vitest'
import { EMBEDDING_DIMENSIONS } from '../embeddings/embedder.js'
import { AddMemoryInput, Embedding, HybridSearchMemoriesInput, MemoryContent, SearchMemoriesInput } from './schema.js'

describe('memory input schemas', () => {
  it('normalises content to NFC, trims it, and counts code points up to 8192', () => {
    expect(MemoryContent.parse('  Cafe\u0301  ')).toBe('Café')
    expect(MemoryContent.safeParse(' \n ').success).toBe(false)
    expect(MemoryContent.safeParse('🧳'.repeat(8192)).success).toBe(true)
    expect(MemoryContent.safeParse('a'.repeat(8193)).success).toBe(false)
  })

  it('reports one issue for a bad vector, without its values', () => {
    const nan = new Array(EMBEDDING_DIMENSIONS).fill(0.5)
    nan[100] = Number.NaN
    for (const bad of [[1, 2, 3], nan, new Array(EMBEDDING_DIMENSIONS).fill('0.1')]) {
      const result = Embedding.safeParse(bad)
      expect(result.success).toBe(false)
      expect(result.error?.issues).toHaveLength(1)
      expect(JSON.stringify(result.error?.issues)).not.toMatch(/0\.5/)
    }
    expect(Embedding.safeParse(new Array(EMBEDDING_DIMENSIONS).fill(0.5)).success).toBe(true)
  })

  it('refuses contradictory inputs', () => {
    const sessionId = crypto.randomUUID()
    expect(AddMemoryInput.safeParse({ content: 'x', sessionId, type: 'other' }).success).toBe(false)
    expect(AddMemoryInput.safeParse({ content: 'x', embeddingModel: 'm' }).success).toBe(false)
    expect(SearchMemoriesInput.safeParse({}).success).toBe(false)
    expect(SearchMemoriesInput.safeParse({ query: 'x', sessionId, types: ['other'] }).success).toBe(false)
    expect(HybridSearchMemoriesInput.safeParse({ query: 'x', weights: { vector: 0, text: 0 } }).success).toBe(false)
  })

  it('fills search defaults', () => {
    expect(SearchMemoriesInput.parse({ query: 'x' })).toMatchObject({ limit: 10, efSearch: 100 })
    expect(HybridSearchMemoriesInput.parse({ query: 'x' })).toMatchObject({ limit: 10, efSearch: 100, rrfK: 60 })
  })
})
