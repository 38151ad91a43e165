/**
 * The SDK's `Embedder` port over the local OpenAI-compatible server, so our side of the peer
 * comparison pays the same HTTP embedding call per query as LangChain and mem0 do.
 */
import { BENCH_DIMENSIONS, BENCH_EMBEDDING_MODEL } from './bench-embedder.js'

/** An embedder that POSTs to `${baseURL}/embeddings`. */
export function httpEmbedder(baseURL: string) {
  return {
    model: BENCH_EMBEDDING_MODEL,
    dimensions: BENCH_DIMENSIONS,
    async embed(texts: string[]): Promise<number[][]> {
      const response = await fetch(`${baseURL}/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: BENCH_EMBEDDING_MODEL, input: texts, encoding_format: 'float' }),
      })
      if (!response.ok) throw new Error(`embeddings server answered ${response.status}`)
      const body = (await response.json()) as { data: { index: number; embedding: number[] }[] }
      return body.data.sort((a, b) => a.index - b.index).map((d) => d.embedding)
    },
  }
}
