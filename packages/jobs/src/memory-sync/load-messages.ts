import { type ScopedTransaction, ValidationError } from '@tripsage/core'
import { sql } from 'kysely'
import type { MemorySyncMessage } from './schema.js'

/** How many missing ids the error message names (all of them are in its details). */
const shownIds = 8

/**
 * Loads the job's messages from `chat_messages`, inside the user's transaction (so RLS applies)
 * and only from the job's session, in conversation order. An id that is not a message of that
 * session — deleted, another session's, another user's, or made up — is a non-retryable
 * `validation` error naming the ids (`details.missingMessageIds`): a retry would not find them
 * either, and syncing the rest would hide the problem.
 *
 * @param trx - the user scope's transaction
 * @param sessionId - the job's chat session
 * @param messageIds - the job's message ids (≤ 50, unique)
 */
export async function loadSessionMessages(
  trx: ScopedTransaction,
  sessionId: string,
  messageIds: readonly string[],
): Promise<MemorySyncMessage[]> {
  if (messageIds.length === 0) return []
  const rows = await trx
    .selectFrom('chat_messages')
    .select([
      'id',
      'role',
      'content',
      sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('created_at'),
    ])
    .where('session_id', '=', sessionId)
    .where('id', 'in', [...messageIds])
    .orderBy('seq')
    .execute()
  const found = new Set(rows.map((r) => r.id))
  const missing = messageIds.filter((id) => !found.has(id))
  if (missing.length > 0) {
    // Ids are identifiers, not row data: the message names them (the first few, so it stays
    // short enough for the failure record) and the details carry all of them.
    const named = missing.slice(0, shownIds).join(', ')
    const more = missing.length > shownIds ? ` and ${missing.length - shownIds} more` : ''
    throw new ValidationError(`Messages not found in this chat session: ${named}${more}`, {
      details: { missingMessageIds: missing },
    })
  }
  return rows.map((r) => ({
    id: r.id,
    role: r.role as MemorySyncMessage['role'],
    content: r.content,
    createdAt: r.created_at,
  }))
}
