/**
 * The embedder every library in the peer suite gets through the local embeddings server: the
 * SDK's own `localEmbedder()` (deterministic, offline, 1536 dimensions, lexical: signed feature
 * hashing of words and character trigrams). Lexical, not semantic — enough to compare search
 * engines on identical vectors.
 */
import { LOCAL_EMBEDDER_MODEL, localEmbedder } from '@tripsage/core'

const local = localEmbedder()

/** Model id reported by the embeddings server and stored with our rows. */
export const BENCH_EMBEDDING_MODEL = LOCAL_EMBEDDER_MODEL
/** Vector length (the memory columns' dimension). */
export const BENCH_DIMENSIONS = local.dimensions

/** Embeds many texts. */
export function embedTexts(texts: string[]): Promise<number[][]> {
  return local.embed(texts)
}
