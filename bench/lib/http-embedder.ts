/**
 * The SDK's `Embedder` port over the local OpenAI-compatible server, so our side of the peer
 * comparison pays the same HTTP embedding call per query as LangChain and mem0 do. Like the
 * OpenAI SDK that mem0 and LangChain use (its default), it asks for `encoding_format: "base64"`
 * (little-endian float32): the same vectors as JSON floats, at a fraction of the bytes and parse
 * time.
 */
import { BENCH_DIMENSIONS, BENCH_EMBEDDING_MODEL } from './bench-embedder.js'

/** Decodes one base64 little-endian float32 vector. */
function fromBase64(text: string): number[] {
  const bytes = Buffer.from(text, 'base64')
  const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
  return Array.from(floats)
}

/** An embedder that POSTs to `${baseURL}/embeddings`. */
export function httpEmbedder(baseURL: string) {
  return {
    model: BENCH_EMBEDDING_MODEL,
    dimensions: BENCH_DIMENSIONS,
    async embed(texts: string[]): Promise<number[][]> {
      const response = await fetch(`${baseURL}/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: BENCH_EMBEDDING_MODEL, input: texts, encoding_format: 'base64' }),
      })
      if (!response.ok) throw new Error(`embeddings server answered ${response.status}`)
      const body = (await response.json()) as { data: { index: number; embedding: string }[] }
      return body.data.sort((a, b) => a.index - b.index).map((d) => fromBase64(d.embedding))
    },
  }
}
