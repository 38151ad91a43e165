import { generateText, type LanguageModel, NoObjectGeneratedError, Output } from 'ai'
import type { z } from 'zod'
import { RateLimitedError, TripSageError, UnavailableError } from '../../errors.js'
import type { LearningCallOptions } from './ports.js'

/**
 * A language model, or a function that picks one per user — e.g. with the user's own key
 * (BYOK): `({ userId }) => createOpenAI({ apiKey: await tripsage.service.keys.get(userId, 'openai') })('gpt-4.1-mini')`.
 */
export type LearningModel = LanguageModel | ((context: { userId: string }) => LanguageModel | Promise<LanguageModel>)

/** Options shared by `aiSdkExtractor` and `aiSdkDecider`. */
export interface AiSdkLearningOptions {
  /** The model (any AI SDK language model or gateway id), or a per-user resolver (BYOK). */
  model: LearningModel
  /** Replaces the built-in instructions (the output schema stays). */
  instructions?: string
  /** Retries per call (AI SDK `maxRetries`); default 1 — the job retries too. */
  maxRetries?: number
  /** Sampling temperature; default 0 for repeatable decisions. */
  temperature?: number
  /** Provider-specific options, passed through. */
  providerOptions?: Parameters<typeof generateText>[0]['providerOptions']
}

/** `model:<provider>/<model id>` (or `model:<gateway id>`): how the history names a model. */
export function modelLabel(model: LanguageModel): string {
  if (typeof model === 'string') return `model:${model}`.slice(0, 200)
  return `model:${model.provider}/${model.modelId}`.slice(0, 200)
}

/** Resolves the model of a call (static or per user). */
export async function resolveModel(model: LearningModel, options: LearningCallOptions): Promise<LanguageModel> {
  return typeof model === 'function' ? await model({ userId: options.userId }) : model
}

/**
 * One structured call: `generateText` with `Output.object({ schema })`. An answer that does not
 * parse or match the schema is `unavailable` with `details.reason = 'malformed_answer'`; a 429 is
 * `rate_limited`; any other provider failure is `unavailable`. Never includes prompt or answer
 * text in the error.
 */
export async function generateStructured<S extends z.ZodType>(params: {
  model: LanguageModel
  schema: S
  instructions: string
  prompt: string
  stage: 'extractor' | 'decider'
  options: AiSdkLearningOptions
  signal: AbortSignal | undefined
}): Promise<z.output<S>> {
  const label = modelLabel(params.model)
  try {
    const result = await generateText({
      model: params.model,
      system: params.instructions,
      prompt: params.prompt,
      output: Output.object({ schema: params.schema }),
      temperature: params.options.temperature ?? 0,
      maxRetries: params.options.maxRetries ?? 1,
      ...(params.options.providerOptions === undefined ? {} : { providerOptions: params.options.providerOptions }),
      ...(params.signal === undefined ? {} : { abortSignal: params.signal }),
    })
    return result.output as z.output<S>
  } catch (error) {
    const details = { stage: params.stage, [params.stage]: label }
    const cause = error instanceof Error ? { name: error.name } : undefined
    if (NoObjectGeneratedError.isInstance(error) || isParseFailure(error)) {
      throw new TripSageError('unavailable', `The memory ${params.stage} returned a malformed answer`, {
        cause,
        details: { ...details, reason: 'malformed_answer' },
      })
    }
    if (params.signal?.aborted)
      throw new UnavailableError(`The memory ${params.stage} call was aborted`, { cause, details })
    const status = statusOf(error)
    if (status === 429)
      throw new RateLimitedError(`The memory ${params.stage} model was rate-limited`, { cause, details })
    throw new UnavailableError(`The memory ${params.stage} model failed`, {
      cause,
      details: { ...details, ...(status === undefined ? {} : { statusCode: status }) },
    })
  }
}

function isParseFailure(error: unknown): boolean {
  const name = error instanceof Error ? error.name : ''
  return name === 'AI_TypeValidationError' || name === 'AI_JSONParseError' || name === 'AI_NoOutputGeneratedError'
}

/** The HTTP status of an `APICallError`, or of the last attempt inside a `RetryError`. */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const e = error as { statusCode?: unknown; lastError?: unknown }
  if (typeof e.statusCode === 'number') return e.statusCode
  return e.lastError === undefined ? undefined : statusOf(e.lastError)
}
