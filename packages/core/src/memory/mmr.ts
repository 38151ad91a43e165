/** A candidate for {@link maximalMarginalRelevance}. */
export interface MmrCandidate {
  /** Relevance to the query (cosine similarity). */
  readonly relevance: number
  readonly embedding: readonly number[]
}

/**
 * Maximal marginal relevance (Carbonell & Goldstein, 1998): greedily picks the candidate that
 * maximises `lambda · relevance − (1 − lambda) · max cosine similarity to those already picked`.
 * Returns the picked indices in pick order.
 *
 * @param candidates - relevance and embedding of each candidate
 * @param k - how many to pick
 * @param lambda - 1 = pure relevance, 0 = pure diversity
 */
export function maximalMarginalRelevance(candidates: readonly MmrCandidate[], k: number, lambda: number): number[] {
  const norms = candidates.map((c) => Math.sqrt(dot(c.embedding, c.embedding)) || 1)
  // The highest similarity of each candidate to anything picked so far.
  const redundancy = new Float64Array(candidates.length).fill(Number.NEGATIVE_INFINITY)
  const picked: number[] = []
  const taken = new Uint8Array(candidates.length)
  while (picked.length < Math.min(k, candidates.length)) {
    let best = -1
    let bestScore = Number.NEGATIVE_INFINITY
    for (let i = 0; i < candidates.length; i++) {
      if (taken[i]) continue
      const penalty = picked.length === 0 ? 0 : (redundancy[i] as number)
      const score = lambda * (candidates[i] as MmrCandidate).relevance - (1 - lambda) * penalty
      if (score > bestScore) {
        bestScore = score
        best = i
      }
    }
    picked.push(best)
    taken[best] = 1
    const chosen = candidates[best] as MmrCandidate
    for (let i = 0; i < candidates.length; i++) {
      if (taken[i]) continue
      const c = candidates[i] as MmrCandidate
      const similarity = dot(c.embedding, chosen.embedding) / ((norms[i] as number) * (norms[best] as number))
      if (similarity > (redundancy[i] as number)) redundancy[i] = similarity
    }
  }
  return picked
}

function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number)
  return sum
}
