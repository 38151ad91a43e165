import { z } from 'zod'
import { TripSageError } from '../../errors.js'
import { MEMORY_TYPES } from '../schema.js'
import { type AiSdkLearningOptions, generateStructured, modelLabel, resolveModel } from './ai-sdk-model.js'
import type { ExtractedFact, MemoryExtractor } from './ports.js'

/** The built-in instructions of {@link aiSdkExtractor}. */
export const EXTRACTOR_INSTRUCTIONS = `You maintain the long-term memory of a travel-planning assistant about ONE user.
Read the conversation and list the facts about the user worth remembering across trips:
preferences and dislikes (seats, cabin, airlines, stays, food, pace, activities, budget), constraints
(diet, allergies, accessibility, documents), who they travel with, where they live or fly from, and
trips they have taken. Also list withdrawals ("I'm no longer vegetarian") as facts.

Rules:
- Only facts the USER states or clearly confirms about themselves. Never the assistant's suggestions,
  tool output, questions, hypotheticals, or one-off details of the current booking (dates, a hotel
  name for this trip) unless the user says they are lasting.
- One self-contained statement per fact, in the third person without a name ("Prefers aisle seats",
  "Is vegetarian", "No longer vegetarian", "Lives in Berlin").
- type: user_preference (likes, dislikes, constraints), trip_history (past trips), search_pattern
  (recurring searches), conversation_context (ongoing plans), other (who they are).
- importance 0..1: constraints 0.9, preferences 0.7, facts about the user 0.6, past trips 0.5.
- sources: the ids (m1, m2, …) of the messages the fact comes from.
- Keep the order in which facts were stated. Return an empty list when there is nothing to remember.`

const extraction = z.object({
  facts: z
    .array(
      z.object({
        content: z.string().describe('One self-contained statement about the user'),
        type: z.enum(MEMORY_TYPES),
        importance: z.number().min(0).max(1),
        sources: z.array(z.string()).describe('Ids of the messages it comes from, e.g. ["m2"]'),
      }),
    )
    .max(50),
})

/**
 * A {@link MemoryExtractor} that asks any AI SDK language model (`generateText` with an
 * `Output.object` schema) for the facts a conversation states about the user. Messages are shown
 * to the model as `m1, m2, …`, so it never has to copy a UUID; a fact citing an unknown message,
 * or an answer off the schema, is a typed `unavailable` failure (`details.reason =
 * 'malformed_answer'`) and nothing is written.
 *
 * @example
 * import { openai } from '@ai-sdk/openai'
 * const extractor = aiSdkExtractor({ model: openai('gpt-4.1-mini') })
 * // BYOK: one model per user
 * const byok = aiSdkExtractor({ model: async ({ userId }) => createOpenAI({ apiKey: await keys.get(userId, 'openai') })('gpt-4.1-mini') })
 */
export function aiSdkExtractor(options: AiSdkLearningOptions): MemoryExtractor {
  return {
    id: typeof options.model === 'function' ? 'model:per-user' : modelLabel(options.model),
    extract: async (messages, callOptions) => {
      if (messages.length === 0) return []
      const model = await resolveModel(options.model, callOptions)
      const refs = new Map(messages.map((m, i) => [`m${i + 1}`, m.id]))
      const prompt = messages
        .map((m, i) => `[m${i + 1}] ${m.role} (${m.createdAt}): ${m.content.replace(/\s+/g, ' ').trim()}`)
        .join('\n')
      const answer = await generateStructured({
        model,
        schema: extraction,
        instructions: options.instructions ?? EXTRACTOR_INSTRUCTIONS,
        prompt: `Conversation:\n${prompt}`,
        stage: 'extractor',
        options,
        signal: callOptions.signal,
      })
      return answer.facts.map((fact, i): ExtractedFact => {
        const sources = fact.sources.map((ref) => refs.get(ref.trim()))
        if (sources.length === 0 || sources.some((s) => s === undefined)) {
          throw new TripSageError('unavailable', 'The memory extractor returned a malformed answer', {
            details: {
              reason: 'malformed_answer',
              stage: 'extractor',
              extractor: modelLabel(model),
              problem: `fact ${i} cites an unknown message`,
            },
          })
        }
        return {
          content: fact.content,
          type: fact.type,
          importance: fact.importance,
          sourceMessageIds: sources as string[],
        }
      })
    },
  }
}
