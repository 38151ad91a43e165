import { convertArrayToReadableStream, MockLanguageModelV4 } from 'ai/test'

// The provider types, taken from the mock (core does not depend on @ai-sdk/provider directly).
type LanguageModelV4GenerateResult = Awaited<ReturnType<MockLanguageModelV4['doGenerate']>>
type LanguageModelV4StreamPart =
  Awaited<ReturnType<MockLanguageModelV4['doStream']>>['stream'] extends ReadableStream<infer P> ? P : never

/** One step of a scripted model: the tool calls it makes, or the text it answers. */
export type ScriptedStep =
  | { readonly calls: readonly { toolName: string; input: unknown }[] }
  | { readonly text: string }

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 5, text: 5, reasoning: 0 },
}

function content(step: ScriptedStep, index: number): LanguageModelV4GenerateResult['content'] {
  if ('text' in step) return [{ type: 'text', text: step.text }]
  return step.calls.map((call, n) => ({
    type: 'tool-call' as const,
    toolCallId: `call-${index}-${n}`,
    toolName: call.toolName,
    input: JSON.stringify(call.input),
  }))
}

function finishReason(step: ScriptedStep): LanguageModelV4GenerateResult['finishReason'] {
  return 'text' in step ? { unified: 'stop', raw: 'stop' } : { unified: 'tool-calls', raw: 'tool_calls' }
}

/**
 * The AI SDK's mock language model, playing `steps` in order (one per model call) through both
 * `generateText` and `streamText`. Throws when called more often than scripted.
 */
export function scriptedModel(steps: readonly ScriptedStep[]): MockLanguageModelV4 {
  let generateCalls = 0
  let streamCalls = 0
  const stepAt = (index: number): ScriptedStep => {
    const step = steps[index]
    if (!step) throw new Error(`the scripted model has no step ${index}`)
    return step
  }
  return new MockLanguageModelV4({
    modelId: 'scripted',
    doGenerate: async () => {
      const index = generateCalls++
      const step = stepAt(index)
      return { content: content(step, index), finishReason: finishReason(step), usage, warnings: [] }
    },
    doStream: async () => {
      const index = streamCalls++
      const step = stepAt(index)
      const parts: LanguageModelV4StreamPart[] = [{ type: 'stream-start', warnings: [] }]
      for (const part of content(step, index)) {
        if (part.type === 'text') {
          parts.push(
            { type: 'text-start', id: `t${index}` },
            { type: 'text-delta', id: `t${index}`, delta: part.text },
            { type: 'text-end', id: `t${index}` },
          )
        } else {
          // A tool call is a stream part as it is.
          parts.push(part as LanguageModelV4StreamPart)
        }
      }
      parts.push({ type: 'finish', finishReason: finishReason(step), usage })
      return { stream: convertArrayToReadableStream(parts) }
    },
  })
}
