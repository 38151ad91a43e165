import { type EmbeddingModel, embedMany } from 'ai'
import { RateLimitedError, TripSageError, UnavailableError } from '../errors.js'
import { assertEmbeddings, EMBEDDING_DIMENSIONS, type Embedder, type EmbedOptions } from './embedder.js'

/** Options of {@link aiSdkEmbedder}. */
export interface AiSdkEmbedderOptions {
  /**
   * The vector length. When set, it is also sent to the provider as `dimensions` (models such as
   * `text-embedding-3-large` shorten their output on request); when omitted the model is trusted
   * to return {@link EMBEDDING_DIMENSIONS} values and nothing is sent.
   */
  dimensions?: number
  /** The id stored in `embedding_model`; default: the model's `modelId` (or the gateway string). */
  modelId?: string
  /** Retries per provider call (AI SDK `maxRetries`, exponential back-off); default 2. */
  maxRetries?: number
  /** At most this many provider calls at once when a batch is split; default: the AI SDK's. */
  maxParallelCalls?: number
  /** Extra HTTP headers for HTTP-based providers. */
  headers?: Record<string, string>
  /** Provider-specific options, passed through (`providerOptions`). */
  providerOptions?: Parameters<typeof embedMany>[0]['providerOptions']
}

/**
 * An {@link Embedder} over the AI SDK's `embedMany`, so any AI SDK provider works (OpenAI, Google,
 * Mistral, Cohere, the AI Gateway…). `embedMany` splits a batch into calls of the provider's
 * `maxEmbeddingsPerCall` (and input-size limit), runs them in parallel up to `maxParallelCalls` and
 * retries each up to `maxRetries` times.
 *
 * Provider failures become `TripSageError`s: HTTP 429 → `rate_limited`; timeouts, 5xx, network
 * errors and aborts → `unavailable`; other 4xx (a bad key, an unknown model) → `internal`. A vector
 * of the wrong length → `validation`.
 *
 * @param model - an AI SDK embedding model, e.g. `openai.embedding('text-embedding-3-small')`
 * @param options - dimensions, stored model id, retries, parallelism, headers, provider options
 * @example
 * import { openai } from '@ai-sdk/openai'
 * import { aiSdkEmbedder } from '@tripsage/core/ai-sdk'
 * const tripsage = createTripSage({ db, embedder: aiSdkEmbedder(openai.embedding('text-embedding-3-small')) })
 */
export function aiSdkEmbedder(model: EmbeddingModel, options: AiSdkEmbedderOptions = {}): Embedder {
  const modelId = options.modelId ?? (typeof model === 'string' ? model : model.modelId)
  const dimensions = options.dimensions ?? EMBEDDING_DIMENSIONS
  return {
    model: modelId,
    dimensions,
    async embed(texts: string[], embedOptions?: EmbedOptions): Promise<number[][]> {
      if (texts.length === 0) return []
      if (embedOptions?.signal?.aborted) throw providerError(embedOptions.signal.reason, modelId, embedOptions.signal)
      let embeddings: number[][]
      try {
        const result = await embedMany({
          model,
          values: texts,
          ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
          ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
          ...(options.maxParallelCalls === undefined ? {} : { maxParallelCalls: options.maxParallelCalls }),
          ...(options.headers === undefined ? {} : { headers: options.headers }),
          ...(options.providerOptions === undefined ? {} : { providerOptions: options.providerOptions }),
          ...(embedOptions?.signal === undefined ? {} : { abortSignal: embedOptions.signal }),
        })
        embeddings = result.embeddings
      } catch (error) {
        throw providerError(error, modelId, embedOptions?.signal)
      }
      assertEmbeddings(embeddings, texts.length, modelId, dimensions)
      return embeddings
    },
  }
}

/** Maps an AI SDK failure to a TripSageError that carries no request or response body. */
function providerError(error: unknown, model: string, signal: AbortSignal | undefined): TripSageError {
  const statusCode = statusOf(error)
  const details: Record<string, unknown> = { model, ...(statusCode === undefined ? {} : { statusCode }) }
  const cause = error instanceof Error ? { name: error.name } : undefined
  const options = { cause, details }
  if (signal?.aborted) return new UnavailableError('The embedding call was aborted', options)
  if (statusCode === 429) return new RateLimitedError('The embedding provider rate-limited the call', options)
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500 && statusCode !== 408) {
    return new TripSageError('internal', `The embedding provider refused the call (HTTP ${statusCode})`, options)
  }
  return new UnavailableError('The embedding provider failed', options)
}

/** The HTTP status of an `APICallError`, or of the last attempt inside a `RetryError`. */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const e = error as { statusCode?: unknown; lastError?: unknown }
  if (typeof e.statusCode === 'number') return e.statusCode
  return e.lastError === undefined ? undefined : statusOf(e.lastError)
}
