import { CHAT_MESSAGE_MAX_LENGTH } from './schema.js'
import type { UIMessageLike, UIMessagePartLike } from './ui-message-schema.js'

/**
 * Pure mappings between AI SDK `UIMessage`s and `chat_messages` / `chat_tool_calls` rows: the
 * searchable text of a message, the tool call rows its tool parts project to, and how far along a
 * message is (so a stale copy never overwrites a newer one).
 */

/** Longest `chat_tool_calls.error_message`. */
const TOOL_ERROR_MAX_LENGTH = 4000

/** The first `max` code points of `text` (what Postgres `char_length` counts). */
function truncateCodePoints(text: string, max: number): string {
  if (text.length <= max) return text
  return Array.from(text).slice(0, max).join('')
}

/**
 * The text of a message's `text` parts, one per line, cut at {@link CHAT_MESSAGE_MAX_LENGTH}
 * characters: what `chat_messages.content` holds for full-text search and memory sync. The parts
 * themselves keep every character.
 */
export function searchableText(parts: readonly UIMessagePartLike[]): string {
  const texts = parts.filter((part) => part.type === 'text').map((part) => String(part.text))
  return truncateCodePoints(texts.join('\n'), CHAT_MESSAGE_MAX_LENGTH)
}

/** Whether a part is a tool call (`tool-<name>` or `dynamic-tool`). */
function isToolPart(part: UIMessagePartLike): boolean {
  return part.type.startsWith('tool-') || part.type === 'dynamic-tool'
}

/** A `chat_tool_calls` status of the SDK's schema. */
export type ProjectedToolStatus = 'pending' | 'running' | 'completed' | 'failed'

/** The `chat_tool_calls` row a tool part projects to. */
export interface ProjectedToolCall {
  readonly toolCallId: string
  readonly toolName: string
  /** The input when it is a JSON object, `{}` when absent, else `{ "input": value }`. */
  readonly arguments: unknown
  readonly status: ProjectedToolStatus
  readonly result: unknown
  readonly errorMessage: string | null
  readonly providerExecuted: boolean
}

function statusOf(part: UIMessagePartLike): ProjectedToolStatus {
  switch (part.state) {
    case 'output-available':
      // A preliminary output (a streaming tool) is not the final result yet.
      return part.preliminary === true ? 'running' : 'completed'
    case 'output-error':
    case 'output-denied':
      return 'failed'
    default:
      return 'pending'
  }
}

function argumentsOf(input: unknown): unknown {
  if (input === undefined) return {}
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) return input
  return { input }
}

function errorMessageOf(part: UIMessagePartLike): string | null {
  if (part.state === 'output-error') return truncateCodePoints(String(part.errorText), TOOL_ERROR_MAX_LENGTH)
  if (part.state === 'output-denied') {
    const reason = (part.approval as { reason?: unknown } | undefined)?.reason
    return truncateCodePoints(
      typeof reason === 'string' && reason ? `denied: ${reason}` : 'denied',
      TOOL_ERROR_MAX_LENGTH,
    )
  }
  return null
}

/**
 * The tool calls of a message, one per provider call id (a later part with the same id wins, as
 * it does in the AI SDK's own state).
 */
export function projectToolCalls(message: UIMessageLike): ProjectedToolCall[] {
  const calls = new Map<string, ProjectedToolCall>()
  for (const part of message.parts) {
    if (!isToolPart(part)) continue
    const status = statusOf(part)
    calls.set(String(part.toolCallId), {
      toolCallId: String(part.toolCallId),
      toolName: part.type === 'dynamic-tool' ? String(part.toolName) : part.type.slice('tool-'.length),
      arguments: argumentsOf(part.input),
      status,
      result: status === 'completed' || status === 'running' ? (part.output ?? null) : null,
      errorMessage: errorMessageOf(part),
      providerExecuted: part.providerExecuted === true,
    })
  }
  return [...calls.values()]
}

/** Legal `chat_tool_calls` status moves (the status trigger's rule); staying `pending` is one. */
export function isToolStatusMove(from: string, to: ProjectedToolStatus): boolean {
  if (from === 'pending') return true
  return from === 'running' && (to === 'completed' || to === 'failed')
}

const toolStateRank: Record<string, number> = {
  'input-streaming': 0,
  'input-available': 1,
  'approval-requested': 2,
  'approval-responded': 3,
  'output-available': 4,
  'output-error': 4,
  'output-denied': 4,
}

function partRank(part: UIMessagePartLike): number {
  if (isToolPart(part)) {
    const rank = toolStateRank[String(part.state)] ?? 0
    return part.state === 'output-available' && part.preliminary === true ? rank - 0.5 : rank
  }
  return part.state === 'streaming' ? 0 : 1
}

/**
 * How far a message has come: parts only get added, text finishes streaming, tool calls move
 * through their states. `useChat` re-sends history and requests can finish out of order; a copy
 * that is behind the stored one (fewer parts, or as many parts in earlier states) is stale.
 */
export function progressOf(parts: readonly UIMessagePartLike[]): readonly [number, number] {
  return [parts.length, parts.reduce((sum, part) => sum + partRank(part), 0)]
}

/** True when `incoming` is strictly behind `stored` (see {@link progressOf}). */
export function isBehind(incoming: readonly [number, number], stored: readonly [number, number]): boolean {
  return incoming[0] < stored[0] || (incoming[0] === stored[0] && incoming[1] < stored[1])
}

/** JSON text with object keys sorted: equal for equal JSON values, whatever the key order (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item
    // A null prototype keeps a "__proto__" key an ordinary key.
    const sorted: Record<string, unknown> = Object.create(null)
    for (const key of Object.keys(item).sort()) sorted[key] = (item as Record<string, unknown>)[key]
    return sorted
  })
}
