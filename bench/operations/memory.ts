/**
 * Memory: a user with 500 memories. Calls pass precomputed embeddings (`embedding` +
 * `embeddingModel`), so the timing compares SQL with SQL, not the embedder.
 */
import { createHash } from 'node:crypto'
import { localEmbedder } from '@tripsage/core'
import { FreshRows, type OperationSet } from './operation.js'

export const memoryOperations: OperationSet = async ({ me }) => {
  const embedder = localEmbedder()
  const topics = [
    'aisle seat on long flights',
    'vegan restaurants near the hotel',
    'ferry to the islands',
    'museum passes',
  ]
  const texts = Array.from({ length: 500 }, (_, i) => `${topics[i % topics.length]} in city ${i % 37}, note ${i}`)
  const vectors = await embedder.embed(texts)
  for (let i = 0; i < texts.length; i += 100)
    await me.memory.addMany(
      texts.slice(i, i + 100).map((content, k) => ({
        content,
        embedding: vectors[i + k]!,
        embeddingModel: embedder.model,
        metadata: { bucket: (i + k) % 100 },
      })),
    )
  const [query] = await embedder.embed(['window seat on a long flight'])
  const page = await me.memory.list({ limit: 1 })
  const memoryId = page.items[0]!.id
  let added = 0
  const fresh = new FreshRows(async (count) => {
    const batch = Array.from({ length: count }, (_, k) => `to forget ${added + k}`)
    added += count
    const made = []
    for (let i = 0; i < batch.length; i += 100) {
      const slice = batch.slice(i, i + 100)
      const slicedVectors = await embedder.embed(slice)
      made.push(
        ...(await me.memory.addMany(
          slice.map((content, k) => ({ content, embedding: slicedVectors[k]!, embeddingModel: embedder.model })),
        )),
      )
    }
    return made.map((m) => m.id)
  })
  const [addVector] = await embedder.embed(['prefers trains over planes'])
  return [
    { name: 'memory.get', call: (c) => c.memory.get(memoryId) },
    { name: 'memory.list (page of 20)', call: (c) => c.memory.list({ limit: 20 }) },
    {
      name: 'memory.add',
      call: (c, i) =>
        c.memory.add({
          content: `prefers trains over planes, take ${i}`,
          embedding: addVector!,
          embeddingModel: embedder.model,
        }),
      // The content hash is unique per user: a replay with the same content and hash would only
      // dedup, so each replay gets its own content and hash.
      vary: (params, i) =>
        params.map((p) =>
          typeof p !== 'string'
            ? p
            : p.startsWith('prefers trains')
              ? `${p} raw ${i}`
              : /^[0-9a-f]{64}$/.test(p)
                ? createHash('sha256').update(`raw ${i} ${p}`).digest('hex')
                : p,
        ),
    },
    {
      name: 'memory.search (k = 10)',
      call: (c) => c.memory.search({ embedding: query!, embeddingModel: embedder.model, limit: 10 }),
    },
    {
      name: 'memory.search filtered (k = 10)',
      call: (c) =>
        c.memory.search({ embedding: query!, embeddingModel: embedder.model, metadata: { bucket: 7 }, limit: 10 }),
    },
    {
      name: 'memory.hybridSearch (k = 10)',
      call: (c) =>
        c.memory.hybridSearch({ query: 'window seat', embedding: query!, embeddingModel: embedder.model, limit: 10 }),
    },
    {
      name: 'memory.forget',
      call: (c, i) => c.memory.forget(fresh.take(i)),
      vary: (params) => fresh.replace(params),
      prepare: (calls) => fresh.add(calls + 1),
    },
  ]
}
