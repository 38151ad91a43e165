import { EMBEDDING_DIMENSIONS, type Embedder, type EmbedOptions } from './embedder.js'

/** The model id {@link localEmbedder} stores with the rows it embeds. */
export const LOCAL_EMBEDDER_MODEL = 'tripsage-local-ngram-v1'

/** Options of {@link localEmbedder}. */
export interface LocalEmbedderOptions {
  /** Vector length; default {@link EMBEDDING_DIMENSIONS} (the memory columns' size). */
  dimensions?: number
}

/**
 * A deterministic, offline embedder: feature-hashes each word and its character trigrams into a
 * fixed-size vector (signed hashing, so collisions cancel out on average) and L2-normalises it.
 *
 * It is **lexical, not semantic**: texts sharing words or word fragments ("Lisbon", "Lisboa")
 * score high, synonyms with no letters in common ("car", "automobile") do not. Use it for the
 * embedded default, tests, demos and offline development; use `aiSdkEmbedder(model)` (from
 * `@tripsage/core/ai-sdk`) with a real embedding model in production. The same text always gives
 * the same vector, on every runtime.
 *
 * @example
 * const tripsage = createTripSage({ db, embedder: localEmbedder() })
 */
export function localEmbedder(options: LocalEmbedderOptions = {}): Embedder {
  const dimensions = options.dimensions ?? EMBEDDING_DIMENSIONS
  return {
    model: LOCAL_EMBEDDER_MODEL,
    dimensions,
    embed: async (texts: string[], embedOptions?: EmbedOptions) => {
      embedOptions?.signal?.throwIfAborted()
      return texts.map((text) => embedText(text, dimensions))
    },
  }
}

const wordPattern = /[\p{L}\p{N}]+/gu
/** Whole words weigh more than any one of their trigrams: an exact word match should dominate. */
const wordWeight = 2
const trigramWeight = 1

function embedText(text: string, dimensions: number): number[] {
  const vector = new Float64Array(dimensions)
  const words = text.normalize('NFKC').toLowerCase().match(wordPattern) ?? []
  for (const word of words) {
    addFeature(vector, `w\u0000${word}`, wordWeight)
    const padded = `\u0002${word}\u0003`
    const chars = Array.from(padded)
    for (let i = 0; i + 3 <= chars.length; i++)
      addFeature(vector, `g\u0000${chars.slice(i, i + 3).join('')}`, trigramWeight)
  }
  // A text without letters or digits ("", "!!!") still gets a unit vector: a zero vector has no
  // cosine distance and pgvector's HNSW index skips it.
  if (words.length === 0) addFeature(vector, `r\u0000${text}`, 1)
  let norm = 0
  for (const x of vector) norm += x * x
  norm = Math.sqrt(norm)
  return Array.from(vector, (x) => x / norm)
}

/** Adds `weight` at the feature's hashed index, with a hashed sign. */
function addFeature(vector: Float64Array, feature: string, weight: number): void {
  const h = mix(fnv1a(feature))
  const index = (h >>> 1) % vector.length
  vector[index] = (vector[index] ?? 0) + (h & 1 ? weight : -weight)
}

/** 32-bit FNV-1a over UTF-16 code units. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** MurmurHash3's finaliser: spreads FNV's low-entropy low bits over the whole word. */
function mix(h: number): number {
  let x = h
  x ^= x >>> 16
  x = Math.imul(x, 0x85ebca6b)
  x ^= x >>> 13
  x = Math.imul(x, 0xc2b2ae35)
  x ^= x >>> 16
  return x >>> 0
}
