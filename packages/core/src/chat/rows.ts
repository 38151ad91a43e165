import type { Selectable } from 'kysely'
import type { TripSageDatabase } from '../db/schema.js'
import { toIsoTimestamp, toIsoTimestampOrNull } from '../db/timestamp.js'
import type { JsonObject, JsonValue } from '../json-value.js'
import type { ChatMessage, ChatRole, ChatSession, ChatToolCall, ToolCallStatus } from './schema.js'

/** A `chat_sessions` row as selected. */
export type ChatSessionRow = Selectable<TripSageDatabase['chat_sessions']>
/** A `chat_messages` row as selected. */
export type ChatMessageRow = Selectable<TripSageDatabase['chat_messages']>
/** A `chat_tool_calls` row as selected. */
export type ChatToolCallRow = Selectable<TripSageDatabase['chat_tool_calls']>

// Timestamps arrive as `Date` from pg/PGlite although the generated types say `string`.
type Timestamp = string | Date

/** Maps a `chat_sessions` row to a {@link ChatSession}. */
export function toChatSession(row: ChatSessionRow): ChatSession {
  return {
    id: row.id,
    userId: row.user_id,
    tripId: row.trip_id,
    title: row.title,
    metadata: row.metadata as JsonObject,
    endedAt: toIsoTimestampOrNull(row.ended_at as Timestamp | null),
    createdAt: toIsoTimestamp(row.created_at as Timestamp),
    updatedAt: toIsoTimestamp(row.updated_at as Timestamp),
  }
}

/** Maps a `chat_messages` row to a {@link ChatMessage}. */
export function toChatMessage(row: ChatMessageRow): ChatMessage {
  return {
    id: row.id,
    sessionId: row.session_id,
    userId: row.user_id,
    // The chat_messages_role_check constraint guarantees the enum.
    role: row.role as ChatRole,
    content: row.content,
    metadata: row.metadata as JsonObject,
    // bigint: a string from pg, a number from PGlite.
    seq: Number(row.seq),
    createdAt: toIsoTimestamp(row.created_at as Timestamp),
  }
}

/** Maps a `chat_tool_calls` row to a {@link ChatToolCall}. */
export function toChatToolCall(row: ChatToolCallRow): ChatToolCall {
  return {
    id: row.id,
    sessionId: row.session_id,
    messageId: row.message_id,
    userId: row.user_id,
    toolCallId: row.tool_call_id,
    toolName: row.tool_name,
    arguments: row.arguments as JsonObject,
    result: row.result as JsonValue | null,
    status: row.status as ToolCallStatus,
    errorMessage: row.error_message,
    providerExecuted: row.provider_executed,
    startedAt: toIsoTimestampOrNull(row.started_at as Timestamp | null),
    completedAt: toIsoTimestampOrNull(row.completed_at as Timestamp | null),
    createdAt: toIsoTimestamp(row.created_at as Timestamp),
    updatedAt: toIsoTimestamp(row.updated_at as Timestamp),
  }
}
