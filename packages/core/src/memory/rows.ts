import { sql } from 'kysely'
import type { Memory, MemoryMetadata, MemoryType } from './schema.js'
import type { MemoryRow, MemoryTable } from './statements.js'

/** The created_at of a row as a lossless (microsecond) UTC string, for keyset cursors. */
export const createdKey = sql.raw(`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`)

/** The table a call addresses: session memories when a `sessionId` is given, long-term otherwise. */
export function tableOf(sessionId: string | undefined): MemoryTable {
  return sessionId === undefined ? 'memories' : 'session_memories'
}

/** An ISO string of a timestamp column (drivers return `Date` or text). */
export function toIso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString()
}

/** Maps a row of either table to the public {@link Memory}. */
export function toMemory(row: MemoryRow): Memory {
  return {
    id: row.id,
    userId: row.user_id,
    sessionId: row.session_id,
    type: row.memory_type as MemoryType | null,
    content: row.content,
    contentHash: row.content_hash,
    embeddingModel: row.embedding_model,
    metadata: (typeof row.metadata === 'string' ? JSON.parse(row.metadata) : row.metadata) as MemoryMetadata,
    importance: Number(row.importance),
    sourceMessageId: row.source_message_id,
    expiresAt: row.expires_at === null ? null : toIso(row.expires_at),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  }
}
