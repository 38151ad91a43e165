import { assertEmbeddings, type Embedder } from '../embeddings/embedder.js'
import { TripSageError, ValidationError } from '../errors.js'

/** The embedder, or a `validation` error saying how to configure one. */
export function requireEmbedder(embedder: Embedder | undefined): Embedder {
  if (embedder) return embedder
  throw new ValidationError(
    'No embedder is configured: pass createTripSage({ db, embedder }) (e.g. localEmbedder() or aiSdkEmbedder(model)), or pass `embedding` with `embeddingModel`',
    { details: { option: 'embedder' } },
  )
}

/** The `validation` error of an `embedding` passed without its model and no embedder configured. */
export function missingModel(): ValidationError {
  return new ValidationError('Invalid memory', {
    details: {
      issues: [
        { path: 'embeddingModel', message: 'embeddingModel is required with embedding when no embedder is configured' },
      ],
    },
  })
}

/**
 * Embeds texts with the configured embedder: one call, vectors checked. A provider failure is a
 * typed `unavailable` (its name only, never the text); no texts means no call.
 *
 * @param embedder - the configured embedder (a `validation` error when there is none)
 * @param texts - the texts, in order
 * @param signal - aborts the call
 */
export async function embedTexts(
  embedder: Embedder | undefined,
  texts: string[],
  signal: AbortSignal | undefined,
): Promise<number[][]> {
  if (texts.length === 0) return []
  const active = requireEmbedder(embedder)
  let vectors: number[][]
  try {
    vectors = await active.embed(texts, signal ? { signal } : undefined)
  } catch (error) {
    if (TripSageError.isInstance(error)) throw error
    throw new TripSageError('unavailable', `The embedder "${active.model}" failed`, {
      cause: error instanceof Error ? { name: error.name } : undefined,
      details: { model: active.model },
    })
  }
  assertEmbeddings(vectors, texts.length, active.model)
  return vectors
}
