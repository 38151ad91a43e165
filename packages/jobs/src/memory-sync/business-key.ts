import { sha256Hex } from '../base64url.js'

/**
 * The business key of a memory-sync job: `memory-sync:{sessionId}:{sha256 hex of the sorted,
 * comma-joined message ids}`. The outbox (`private.enqueue_memory_sync`) computes the same key in
 * SQL, so a job is deduplicated whichever way it was enqueued. Also the QStash deduplication id.
 *
 * @param sessionId - the chat session
 * @param messageIds - the ids of the job's messages (any order)
 */
export async function memorySyncBusinessKey(sessionId: string, messageIds: readonly string[]): Promise<string> {
  const sorted = [...messageIds].map((id) => id.toLowerCase()).sort()
  return `memory-sync:${sessionId.toLowerCase()}:${await sha256Hex(sorted.join(','))}`
}
