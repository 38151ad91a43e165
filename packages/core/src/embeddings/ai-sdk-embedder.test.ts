import { createTestDatabase, createTestUser, type TestDatabase } from '@tripsage/testing'
import { APICallError } from 'ai'
import { MockEmbeddingModelV4 } from 'ai/test'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage } from '../client.js'
import { TripSageError } from '../errors.js'
import { aiSdkEmbedder } from './ai-sdk-embedder.js'
import { EMBEDDING_DIMENSIONS } from './embedder.js'
import { localEmbedder } from './local-embedder.js'

// The AI SDK's own mock *provider* model: embedMany, batching and retries run for real.

const local = localEmbedder()
const vectorsFor = async (values: string[]) => ({ embeddings: await local.embed(values), warnings: [] })

function apiError(statusCode: number): APICallError {
  return new APICallError({
    message: `HTTP ${statusCode}`,
    url: 'https://provider.invalid/v1/embeddings',
    requestBodyValues: { input: ['secret user text'] },
    statusCode,
    responseBody: 'secret response body',
    isRetryable: statusCode === 429 || statusCode >= 500,
  })
}

describe('aiSdkEmbedder', () => {
  it('embeds through embedMany, split into calls of the provider’s maxEmbeddingsPerCall', async () => {
    const model = new MockEmbeddingModelV4({
      modelId: 'mock-embedding-1536',
      maxEmbeddingsPerCall: 2,
      doEmbed: ({ values }) => vectorsFor(values),
    })
    const embedder = aiSdkEmbedder(model)
    expect(embedder).toMatchObject({ model: 'mock-embedding-1536', dimensions: EMBEDDING_DIMENSIONS })
    const texts = ['a', 'b', 'c', 'd', 'e']
    const vectors = await embedder.embed(texts)
    expect(vectors).toEqual(await local.embed(texts))
    expect(model.doEmbedCalls.map((call) => call.values)).toEqual([['a', 'b'], ['c', 'd'], ['e']])
    expect(await embedder.embed([])).toEqual([])
  })

  it('retries retryable provider failures (embedMany maxRetries) and passes the abort signal', async () => {
    let attempts = 0
    const model = new MockEmbeddingModelV4({
      doEmbed: async ({ values }) => {
        attempts += 1
        if (attempts < 2) throw apiError(503)
        return vectorsFor(values)
      },
    })
    const controller = new AbortController()
    const vectors = await aiSdkEmbedder(model, { maxRetries: 1 }).embed(['x'], { signal: controller.signal })
    expect(vectors).toHaveLength(1)
    expect(attempts).toBe(2)
    expect(model.doEmbedCalls.at(-1)?.abortSignal).toBeDefined()
  })

  it('maps provider failures to TripSageError codes without request or response bodies', async () => {
    const failing = (statusCode: number) =>
      aiSdkEmbedder(new MockEmbeddingModelV4({ doEmbed: () => Promise.reject(apiError(statusCode)) }), {
        maxRetries: 0,
      })
    const codeOf = async (statusCode: number) => {
      const error = await failing(statusCode)
        .embed(['secret user text'])
        .catch((e: unknown) => e)
      expect(TripSageError.isInstance(error)).toBe(true)
      expect(JSON.stringify((error as TripSageError).toJSON())).not.toMatch(/secret/)
      return (error as TripSageError).code
    }
    expect(await codeOf(429)).toBe('rate_limited')
    expect(await codeOf(500)).toBe('unavailable')
    expect(await codeOf(401)).toBe('internal')
    const aborted = new AbortController()
    aborted.abort()
    const error = await aiSdkEmbedder(new MockEmbeddingModelV4({ doEmbed: ({ values }) => vectorsFor(values) }))
      .embed(['x'], { signal: aborted.signal })
      .catch((e: unknown) => e)
    expect(TripSageError.isInstance(error) && error.code).toBe('unavailable')
  })

  it('refuses vectors of another length than declared, and sends `dimensions` only when set', async () => {
    const short = new MockEmbeddingModelV4({
      doEmbed: async ({ values }) => ({ embeddings: values.map(() => [0.1, 0.2, 0.3]), warnings: [] }),
    })
    const error = await aiSdkEmbedder(short)
      .embed(['x'])
      .catch((e: unknown) => e)
    expect(TripSageError.isInstance(error) && error.code).toBe('validation')
    const shortened = new MockEmbeddingModelV4({ doEmbed: ({ values }) => vectorsFor(values) })
    await aiSdkEmbedder(shortened).embed(['x'])
    expect(shortened.doEmbedCalls[0]?.dimensions).toBeUndefined()
    await aiSdkEmbedder(shortened, { dimensions: 1536 }).embed(['x'])
    expect(shortened.doEmbedCalls[1]?.dimensions).toBe(1536)
  })

  describe('with createTripSage', () => {
    let database: TestDatabase
    beforeAll(async () => {
      database = await createTestDatabase()
    })
    afterAll(() => database.close())

    it('a 768-dimensional embedder is a validation error at construction', () => {
      const model = new MockEmbeddingModelV4({ modelId: 'small-768' })
      expect(() => createTripSage({ db: database.db, embedder: aiSdkEmbedder(model, { dimensions: 768 }) })).toThrow(
        expect.objectContaining({ code: 'validation' }),
      )
    })

    it('stores the provider model id per row and recalls with it', async () => {
      const model = new MockEmbeddingModelV4({
        modelId: 'mock-embedding-1536',
        maxEmbeddingsPerCall: 3,
        doEmbed: ({ values }) => vectorsFor(values),
      })
      const user = await createTestUser(database.db)
      const me = createTripSage({ db: database.db, embedder: aiSdkEmbedder(model) }).forUser(user.claims)
      const added = await me.memory.addMany([
        { content: 'Loves ramen in Osaka' },
        { content: 'Hates early flights' },
        { content: 'Collects fridge magnets' },
        { content: 'Prefers trains over buses' },
      ])
      expect(added.every((m) => m.embeddingModel === 'mock-embedding-1536')).toBe(true)
      // One embed call from the repository, split by embedMany into provider calls of ≤ 3.
      expect(model.doEmbedCalls.map((c) => c.values.length)).toEqual([3, 1])
      const [hit] = await me.memory.search({ query: 'ramen Osaka', limit: 1 })
      expect(hit?.content).toBe('Loves ramen in Osaka')
    })
  })
})
