import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EMBEDDING_DIMENSIONS } from './embedder.js'
import { LOCAL_EMBEDDER_MODEL, localEmbedder } from './local-embedder.js'
import { parseVectorText, toVectorText } from './vector-text.js'

const embedder = localEmbedder()
const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * (b[i] as number), 0)
const norm = (v: number[]) => Math.sqrt(cosine(v, v))

describe('localEmbedder', () => {
  it('declares its model and the column dimension', () => {
    expect(embedder.model).toBe(LOCAL_EMBEDDER_MODEL)
    expect(embedder.dimensions).toBe(EMBEDDING_DIMENSIONS)
  })

  it('returns deterministic, finite, L2-normalised 1536-dim vectors for any text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        const [a] = await embedder.embed([text])
        const [b] = await localEmbedder().embed([text])
        expect(a).toHaveLength(EMBEDDING_DIMENSIONS)
        expect(a).toEqual(b)
        expect((a as number[]).every(Number.isFinite)).toBe(true)
        expect(norm(a as number[])).toBeCloseTo(1, 9)
      }),
      { numRuns: 100 },
    )
  })

  it('is lexical: shared words and fragments score high, synonyms do not', async () => {
    const [query, same, fragment, synonym, unrelated] = await embedder.embed([
      'window seat on the flight',
      'Flight: window seat!',
      'windows seats',
      'porthole chair aboard an aeroplane',
      'vegetarian ramen',
    ])
    const q = query as number[]
    expect(cosine(q, same as number[])).toBeGreaterThan(0.7)
    expect(cosine(q, fragment as number[])).toBeGreaterThan(0.2)
    expect(cosine(q, synonym as number[])).toBeLessThan(0.2)
    expect(cosine(q, unrelated as number[])).toBeLessThan(0.2)
    // Case, accents in compatibility form and punctuation do not matter; word order barely does.
    const [a, b] = await embedder.embed(['ＬＩＳＢＯＮ trip', 'trip, lisbon'])
    expect(cosine(a as number[], b as number[])).toBeCloseTo(1, 9)
  })

  it('honours an aborted signal', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(embedder.embed(['x'], { signal: controller.signal })).rejects.toThrow()
  })
})

describe('vector text', () => {
  it('round-trips float32 values (what pgvector stores) through pgvector’s text form', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { maxLength: 20 }), (v) => {
        const parsed = parseVectorText(toVectorText(v))
        expect(parsed.map(Math.fround)).toEqual(v.map((x) => (Object.is(x, -0) ? 0 : x)))
      }),
    )
    expect(toVectorText([0.1, 1 / 3, -2, 1e-7])).toBe('[0.100000001,0.333333343,-2,1.00000001e-7]')
    expect(toVectorText([0, -0, 0.25, 100, 123456789, 3e38, -1.5e-40])).toBe(
      '[0,0,0.25,100,123456792,3.00000001e+38,-1.50000593e-40]',
    )
    expect(parseVectorText('[1,2.5,-3e-05]')).toEqual([1, 2.5, -3e-5])
    expect(() => parseVectorText(42)).toThrow()
  })
})
