import { z } from 'zod'
import { TripSageError } from '../../errors.js'
import { type AiSdkLearningOptions, generateStructured, modelLabel, resolveModel } from './ai-sdk-model.js'
import { MEMORY_OPERATIONS, type MemoryDecider, type MemoryDecision } from './ports.js'

/** The built-in instructions of {@link aiSdkDecider}. */
export const DECIDER_INSTRUCTIONS = `You keep the long-term memory of a travel-planning assistant about ONE user consistent.
For each new fact (F1, F2, …) you see the user's most similar existing memories (c1, c2, …). Decide:
- ADD: the fact is new information.
- UPDATE: the fact refines or replaces one existing memory (a newer value of the same thing, or more
  detail). Give "target" (that memory's ref) and "content": the merged memory as one self-contained
  statement (keep what is still true from the old one).
- DELETE: the fact says an existing memory is no longer true and leaves nothing to keep. Give "target".
- NONE: the fact is already known (same meaning) or not worth remembering. Give "target" when it
  repeats a memory.
Facts are in the order the user stated them; a later fact wins over an earlier one. Only target refs
listed for that fact. Return exactly one decision per fact, in order, with a short reason.`

const answerSchema = z.object({
  decisions: z
    .array(
      z.object({
        fact: z.string().describe('The fact ref, e.g. "F1"'),
        operation: z.enum(MEMORY_OPERATIONS),
        target: z.string().optional().describe('The memory ref (c1, c2, …) for UPDATE, DELETE and a repeating NONE'),
        content: z.string().optional().describe('For UPDATE: the merged memory'),
        reason: z.string().optional(),
      }),
    )
    .max(50),
})

/**
 * A {@link MemoryDecider} that asks any AI SDK language model to reconcile a batch of facts with
 * their similar memories, in ONE call (`generateText` with an `Output.object` schema). Memories are
 * shown as `c1, c2, …` and facts as `F1, F2, …`; an answer that skips or repeats a fact, targets
 * a memory not listed for that fact, or leaves the schema is a typed `unavailable` failure
 * (`details.reason = 'malformed_answer'`) and nothing is written. The history records the decider
 * as `model:<provider>/<model id>`.
 *
 * @example
 * const learning = { extractor: aiSdkExtractor({ model }), decider: aiSdkDecider({ model }) }
 */
export function aiSdkDecider(options: AiSdkLearningOptions): MemoryDecider {
  return {
    id: typeof options.model === 'function' ? 'model:per-user' : modelLabel(options.model),
    decide: async (inputs, callOptions) => {
      const model = await resolveModel(options.model, callOptions)
      const decider = modelLabel(model)
      if (inputs.length === 0) return { decider, decisions: [] }
      const refOf = new Map<string, string>()
      const idOf = new Map<string, string>()
      for (const input of inputs) {
        for (const c of input.candidates) {
          if (refOf.has(c.id)) continue
          const ref = `c${refOf.size + 1}`
          refOf.set(c.id, ref)
          idOf.set(ref, c.id)
        }
      }
      const prompt = inputs
        .map((input, i) => {
          const similar =
            input.candidates.length === 0
              ? '  (no similar memories)'
              : input.candidates
                  .map((c) => `  [${refOf.get(c.id)}] (${c.type}, similarity ${c.similarity.toFixed(2)}) ${c.content}`)
                  .join('\n')
          return `[F${i + 1}] (${input.fact.type}) ${input.fact.content}\nSimilar memories:\n${similar}`
        })
        .join('\n\n')
      const answer = await generateStructured({
        model,
        schema: answerSchema,
        instructions: options.instructions ?? DECIDER_INSTRUCTIONS,
        prompt,
        stage: 'decider',
        options,
        signal: callOptions.signal,
      })
      const malformed = (problem: string) =>
        new TripSageError('unavailable', 'The memory decider returned a malformed answer', {
          details: { reason: 'malformed_answer', stage: 'decider', decider, problem },
        })
      const byFact = new Map<number, (typeof answer.decisions)[number]>()
      for (const d of answer.decisions) {
        const n = /^F(\d+)$/i.exec(d.fact.trim())
        const index = n ? Number(n[1]) - 1 : -1
        if (index < 0 || index >= inputs.length || byFact.has(index))
          throw malformed(`unknown or repeated fact ${index + 1}`)
        byFact.set(index, d)
      }
      const decisions = inputs.map((input, i): MemoryDecision => {
        const d = byFact.get(i)
        if (!d) throw malformed(`no decision for fact ${i + 1}`)
        const target = d.target === undefined ? undefined : idOf.get(d.target.trim())
        const listed = target !== undefined && input.candidates.some((c) => c.id === target)
        const reason = d.reason
        switch (d.operation) {
          case 'ADD':
            return { operation: 'ADD', reason }
          case 'NONE':
            return { operation: 'NONE', targetId: listed ? target : undefined, reason }
          case 'DELETE':
            if (!listed) throw malformed(`decision ${i + 1} deletes a memory not listed for its fact`)
            return { operation: 'DELETE', targetId: target as string, reason }
          default:
            if (!listed) throw malformed(`decision ${i + 1} updates a memory not listed for its fact`)
            return { operation: 'UPDATE', targetId: target as string, content: d.content ?? input.fact.content, reason }
        }
      })
      return { decider, decisions }
    },
  }
}
