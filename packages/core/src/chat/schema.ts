import { z } from 'zod'
import { codePointLength, isStorableText, JsonObject, JsonValue } from '../json-value.js'
import { PageLimit } from '../pagination.js'

/** Longest message content, in characters (code points), as the `chat_messages_content_check`. */
export const CHAT_MESSAGE_MAX_LENGTH = 32_768

/** Most messages one `append` call writes (one statement). */
export const CHAT_APPEND_MAX_MESSAGES = 100

/**
 * Text Postgres stores unchanged, at most `max` characters counted as Postgres `char_length`
 * counts them (code points, not UTF-16 units).
 */
function storableText(min: number, max: number) {
  return z
    .string()
    .refine(isStorableText, { message: 'must not contain NUL characters or unpaired UTF-16 surrogates' })
    .refine((s) => codePointLength(s) >= min, { message: `must be at least ${min} character(s)` })
    .refine((s) => codePointLength(s) <= max, { message: `must be at most ${max} characters` })
}

const Id = z.uuid({ error: 'must be a UUID' })

/** Who wrote a message: `user | assistant | system | tool` (the `chat_messages_role_check`). */
export const ChatRole = z.enum(['user', 'assistant', 'system', 'tool'])
/** Who wrote a message; see {@link ChatRole}. */
export type ChatRole = z.infer<typeof ChatRole>

/**
 * A tool call's state: `pending → running → completed | failed` (`pending` may also finish
 * directly). Enforced by a database trigger; any other change is a `conflict`.
 */
export const ToolCallStatus = z.enum(['pending', 'running', 'completed', 'failed'])
/** A tool call's state; see {@link ToolCallStatus}. */
export type ToolCallStatus = z.infer<typeof ToolCallStatus>

/** Input of `me.chat.sessions.create`. Every field is optional. */
export const CreateChatSessionInput = z.strictObject({
  /** Link the session to a trip the user can access; its collaborators can then read the session. */
  tripId: Id.nullish(),
  /** Up to 200 characters. */
  title: storableText(0, 200).nullish(),
  /** Free-form JSON object. */
  metadata: JsonObject.optional(),
})
/** Input of `me.chat.sessions.create`; see {@link CreateChatSessionInput}. */
export type CreateChatSessionInput = z.input<typeof CreateChatSessionInput>

/** Input of `me.chat.sessions.list`. */
export const ListChatSessionsInput = z.strictObject({
  /**
   * Sessions linked to this trip (anyone's, as far as RLS lets the user see them). Without it: the
   * user's own sessions.
   */
  tripId: Id.optional(),
  /** Page size, 1–100 (default 20). */
  limit: PageLimit,
  /** `nextCursor` of the previous page. */
  cursor: z.string().min(1).optional(),
})
/** Input of `me.chat.sessions.list`; see {@link ListChatSessionsInput}. */
export type ListChatSessionsInput = z.input<typeof ListChatSessionsInput>

/** One message to append. */
export const ChatMessageInput = z.strictObject({
  /** `user`, `assistant`, `system` or `tool`. */
  role: ChatRole,
  /** Up to {@link CHAT_MESSAGE_MAX_LENGTH} characters; may be empty (e.g. an assistant turn that only calls tools). */
  content: storableText(0, CHAT_MESSAGE_MAX_LENGTH),
  /** Free-form JSON object (model id, token usage, …). */
  metadata: JsonObject.optional(),
})
/** One message to append; see {@link ChatMessageInput}. */
export type ChatMessageInput = z.input<typeof ChatMessageInput>

/** What `me.chat.messages.append(sessionId, messages)` parses: 1–100 messages, written in order. */
export const AppendChatMessagesInput = z.strictObject({
  /** The session to append to (one the caller owns). */
  sessionId: Id,
  /** The messages, written in this order. */
  messages: z.array(ChatMessageInput).min(1).max(CHAT_APPEND_MAX_MESSAGES),
})
/** What `me.chat.messages.append` parses; see {@link AppendChatMessagesInput}. */
export type AppendChatMessagesInput = z.input<typeof AppendChatMessagesInput>

/** Options of `me.chat.messages.history`. */
export const ChatHistoryInput = z.strictObject({
  /** Page size, 1–100 (default 20). */
  limit: PageLimit,
  /** `nextCursor` of the previous page (of the same `order`). */
  cursor: z.string().min(1).optional(),
  /** `newest` (default) pages back in time; `oldest` pages forward from the first message. */
  order: z.enum(['newest', 'oldest']).default('newest'),
})
/** Options of `me.chat.messages.history`; see {@link ChatHistoryInput}. */
export type ChatHistoryInput = z.input<typeof ChatHistoryInput>

/** Input of `me.chat.toolCalls.record`. */
export const RecordToolCallInput = z.strictObject({
  /** 1–200 characters. */
  toolName: storableText(1, 200),
  /** The model provider's id for the call, 1–200 characters. */
  toolCallId: storableText(1, 200).optional(),
  /** The tool's arguments, a JSON object. */
  arguments: JsonObject,
  /** The (assistant) message of the same session that issued the call. */
  messageId: Id.optional(),
  /** True when the provider ran the tool itself and the row only records it. */
  providerExecuted: z.boolean().optional(),
})
/** Input of `me.chat.toolCalls.record`; see {@link RecordToolCallInput}. */
export type RecordToolCallInput = z.input<typeof RecordToolCallInput>

/** What `me.chat.toolCalls.complete(id, result)` parses: the result is any JSON value. */
export const CompleteToolCallInput = z.strictObject({
  /** The tool call id. */
  id: Id,
  /** What the tool returned (any JSON value). */
  result: JsonValue,
})
/** What `me.chat.toolCalls.complete` parses; see {@link CompleteToolCallInput}. */
export type CompleteToolCallInput = z.input<typeof CompleteToolCallInput>

/** What `me.chat.toolCalls.fail(id, errorMessage)` parses: 1–4000 characters. */
export const FailToolCallInput = z.strictObject({
  /** The tool call id. */
  id: Id,
  /** What went wrong, 1–4000 characters, without secrets. */
  errorMessage: storableText(1, 4000),
})
/** What `me.chat.toolCalls.fail` parses; see {@link FailToolCallInput}. */
export type FailToolCallInput = z.input<typeof FailToolCallInput>

/** An id argument (session, message or tool call id): a UUID. */
export const ChatId = Id

/** A chat session. */
export interface ChatSession {
  /** The session id (UUID). */
  readonly id: string
  /** The owner: the only user who appends messages, records tool calls and ends the session. */
  readonly userId: string
  /** The linked trip; its collaborators can read the session. */
  readonly tripId: string | null
  /** A display title; null when not set. */
  readonly title: string | null
  /** Free-form JSON object. */
  readonly metadata: JsonObject
  /** When the session was ended; an ended session takes no new messages or tool calls. */
  readonly endedAt: string | null
  /** ISO timestamp. */
  readonly createdAt: string
  /** ISO timestamp. */
  readonly updatedAt: string
}

/** A chat message. Messages are immutable. */
export interface ChatMessage {
  /** The message id (UUID). */
  readonly id: string
  /** The session it belongs to. */
  readonly sessionId: string
  /** The session owner, who wrote the row. */
  readonly userId: string
  /** Who wrote it. */
  readonly role: ChatRole
  /** The text (may be empty). */
  readonly content: string
  /** Free-form JSON object (model id, token usage, …). */
  readonly metadata: JsonObject
  /** Insertion order: strictly increasing within a session, in commit order. */
  readonly seq: number
  /** ISO timestamp. */
  readonly createdAt: string
}

/** A recorded tool call. */
export interface ChatToolCall {
  /** The tool call id (UUID). */
  readonly id: string
  /** The session it belongs to. */
  readonly sessionId: string
  /** The assistant message that made the call, if linked. */
  readonly messageId: string | null
  /** The session owner. */
  readonly userId: string
  /** The model provider's id for the call. */
  readonly toolCallId: string | null
  /** The tool that was called. */
  readonly toolName: string
  /** The arguments it was called with (a JSON object). */
  readonly arguments: JsonObject
  /** Set by `complete`. */
  readonly result: JsonValue | null
  /** Where the call stands. */
  readonly status: ToolCallStatus
  /** Set by `fail`. */
  readonly errorMessage: string | null
  /** True when the model provider ran the tool itself. */
  readonly providerExecuted: boolean
  /** ISO timestamp; null until started. */
  readonly startedAt: string | null
  /** ISO timestamp; null until completed or failed. */
  readonly completedAt: string | null
  /** ISO timestamp. */
  readonly createdAt: string
  /** ISO timestamp. */
  readonly updatedAt: string
}
