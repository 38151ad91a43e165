import { ValidationError } from '../errors.js'

/** The dimension of the `embedding vector(1536)` columns (`text-embedding-3-small`'s size). */
export const EMBEDDING_DIMENSIONS = 1536

/** Options of one {@link Embedder.embed} call. */
export interface EmbedOptions {
  /** Aborts the provider call. */
  signal?: AbortSignal
}

/**
 * The embedding port: turns texts into vectors. Pass one to `createTripSage({ db, embedder })`.
 * Adapters: `localEmbedder()` (offline, lexical) and `aiSdkEmbedder(model)` from
 * `@tripsage/core/ai-sdk` (any AI SDK provider).
 */
export interface Embedder {
  /** The model id stored with every row it embeds (`embedding_model`); rows are only compared within one model. */
  readonly model: string
  /** The length of every vector it returns; must equal {@link EMBEDDING_DIMENSIONS} to be used for memory. */
  readonly dimensions: number
  /**
   * Embeds `texts`, returning one vector per text in the same order.
   *
   * @param texts - the texts to embed
   * @param options - `signal` to abort
   */
  embed(texts: string[], options?: EmbedOptions): Promise<number[][]>
}

/**
 * Throws a `validation` error unless the embedder produces vectors of the column's dimension.
 * Called when the memory repository is constructed, so a misconfigured `createTripSage({ embedder })`
 * fails at start-up instead of at the first insert.
 *
 * @param embedder - the configured embedder, if any
 */
export function assertEmbedderFitsColumn(embedder: Embedder | undefined): void {
  if (embedder === undefined) return
  if (embedder.dimensions !== EMBEDDING_DIMENSIONS) {
    throw new ValidationError(
      `The embedder "${embedder.model}" produces ${embedder.dimensions}-dimensional vectors; the memory columns hold ${EMBEDDING_DIMENSIONS}`,
      { details: { option: 'embedder', dimensions: embedder.dimensions, expected: EMBEDDING_DIMENSIONS } },
    )
  }
}

/**
 * Checks what an embedder returned: one vector per text, each of `dimensions` finite numbers.
 * Throws a `validation` error (the embedder is misconfigured) otherwise.
 *
 * @param vectors - what `embed` returned
 * @param count - how many texts were sent
 * @param model - the embedder's model id, for the message
 * @param dimensions - the expected length of each vector
 */
export function assertEmbeddings(
  vectors: unknown,
  count: number,
  model: string,
  dimensions: number = EMBEDDING_DIMENSIONS,
): asserts vectors is number[][] {
  const fail = (reason: string): never => {
    throw new ValidationError(`The embedder "${model}" returned ${reason}`, { details: { option: 'embedder' } })
  }
  if (!Array.isArray(vectors) || vectors.length !== count) fail(`a wrong number of vectors (expected ${count})`)
  for (const vector of vectors as unknown[]) {
    if (!Array.isArray(vector) || vector.length !== dimensions) {
      fail(`a vector whose length is not ${dimensions}`)
    }
    for (const x of vector as unknown[]) if (typeof x !== 'number' || !Number.isFinite(x)) fail('a non-finite number')
  }
}
