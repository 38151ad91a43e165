/**
 * The chat's language model: OpenAI when `OPENAI_API_KEY` is set (`OPENAI_MODEL`, default
 * gpt-4o-mini), else an offline stand-in built on the AI SDK's mock model (`ai/test`) that
 * behaves like a small agent: it calls one of the TripSage tools, then answers from the result.
 */
import type { LanguageModel } from 'ai'
import { convertArrayToReadableStream, MockLanguageModelV4 } from 'ai/test'

type StreamOptions = Parameters<MockLanguageModelV4['doStream']>[0]
type StreamPart =
  Awaited<ReturnType<MockLanguageModelV4['doStream']>>['stream'] extends ReadableStream<infer P> ? P : never

const usage = {
  inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 0, text: 0, reasoning: 0 },
}

/** The text of the last user message of the prompt. */
function lastUserText(prompt: StreamOptions['prompt']): string {
  const user = [...prompt].reverse().find((message) => message.role === 'user')
  if (!user || typeof user.content === 'string') return ''
  return user.content
    .map((part) => (part.type === 'text' ? part.text : ''))
    .join(' ')
    .trim()
}

/** The tool result the prompt ends with, if the previous step called a tool. */
function lastToolResult(prompt: StreamOptions['prompt']): { toolName: string; output: unknown } | null {
  const last = prompt[prompt.length - 1]
  if (last?.role !== 'tool') return null
  const result = last.content.find((part) => part.type === 'tool-result')
  if (result?.type !== 'tool-result') return null
  const output = result.output
  return { toolName: result.toolName, output: 'value' in output ? output.value : output }
}

/** What the offline agent says about a tool result. */
function answer({ toolName, output }: { toolName: string; output: unknown }): string {
  const value = output as {
    trips?: { name: string; destination: string; startDate: string; endDate: string }[]
    memories?: { content: string }[]
  }
  if (toolName === 'listTrips' && value.trips) {
    if (value.trips.length === 0) return 'You have no trips yet.'
    const list = value.trips.map((t) => `${t.name} (${t.destination}, ${t.startDate} to ${t.endDate})`).join('; ')
    return `You have ${value.trips.length} trip${value.trips.length === 1 ? '' : 's'}: ${list}.`
  }
  if (toolName === 'searchMemories' && value.memories) {
    if (value.memories.length === 0) return 'Noted. I found nothing you told me before about this.'
    return `From what you told me before: “${value.memories[0]?.content}”.`
  }
  return 'The tool failed; I could not look that up.'
}

/** The offline agent: `listTrips` when the user mentions trips, else `searchMemories`; then it answers. */
export function offlineAgentModel(): MockLanguageModelV4 {
  let calls = 0
  return new MockLanguageModelV4({
    provider: 'tripsage-offline',
    modelId: 'offline-agent',
    doStream: async ({ prompt }) => {
      const step = calls++
      const result = lastToolResult(prompt)
      const parts: StreamPart[] = [{ type: 'stream-start', warnings: [] }]
      if (result) {
        const id = `text-${step}`
        parts.push(
          { type: 'text-start', id },
          { type: 'text-delta', id, delta: answer(result) },
          { type: 'text-end', id },
          { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
        )
      } else {
        const text = lastUserText(prompt) || 'travel'
        const call = /\btrips?\b/i.test(text)
          ? { toolName: 'listTrips', input: {} }
          : { toolName: 'searchMemories', input: { query: text.slice(0, 500) } }
        parts.push(
          {
            type: 'tool-call',
            toolCallId: `call-${step}-${crypto.randomUUID()}`,
            toolName: call.toolName,
            input: JSON.stringify(call.input),
          },
          { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage },
        )
      }
      return { stream: convertArrayToReadableStream(parts) }
    },
  })
}

/** The model of this process: OpenAI with a key, the offline agent without. */
export async function chatModel(): Promise<LanguageModel> {
  if (process.env.OPENAI_API_KEY) {
    const { openai } = await import('@ai-sdk/openai')
    return openai(process.env.OPENAI_MODEL ?? 'gpt-4o-mini')
  }
  return offlineAgentModel()
}
