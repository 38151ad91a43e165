/**
 * The embedder every library in the peer suite gets (through the local embeddings server):
 * deterministic, offline, 1536 dimensions. Until the SDK's own local embedder is on main this is a
 * stand-in of the same kind: signed feature hashing of words and their character trigrams,
 * L2-normalised (lexical, not semantic — enough to compare search engines on the same vectors).
 */

/** Model id reported by the embeddings server and stored with our rows. */
export const BENCH_EMBEDDING_MODEL = 'bench-hashed-ngram-1536'
/** Vector length (the memory columns' dimension). */
export const BENCH_DIMENSIONS = 1536

function hash(text: string): number {
  // FNV-1a, then a murmur-style finaliser so the low bits are usable.
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  return h >>> 0
}

/** Embeds one text. */
export function embedText(text: string): number[] {
  const v = new Float64Array(BENCH_DIMENSIONS)
  const add = (feature: string, weight: number) => {
    const h = hash(feature)
    v[(h >>> 1) % BENCH_DIMENSIONS]! += h & 1 ? weight : -weight
  }
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  for (const word of words) {
    add(`w:${word}`, 2)
    const padded = `^${word}$`
    for (let i = 0; i + 3 <= padded.length; i++) add(`g:${padded.slice(i, i + 3)}`, 1)
  }
  if (words.length === 0) add(`r:${text}`, 1)
  let norm = 0
  for (const x of v) norm += x * x
  norm = Math.sqrt(norm) || 1
  return Array.from(v, (x) => x / norm)
}

/** Embeds many texts. */
export function embedTexts(texts: string[]): number[][] {
  return texts.map(embedText)
}
