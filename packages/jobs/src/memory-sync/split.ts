import { MAX_MEMORY_CONTENT_LENGTH } from '@tripsage/core'
import { MAX_MEMORY_SYNC_MESSAGES, type MemorySyncMessage } from './schema.js'

/** The default JSON size budget of one memory-sync job: well under QStash's 1 MB message limit. */
export const DEFAULT_MEMORY_SYNC_MAX_BYTES = 512 * 1024

/** Cuts content to the first 8192 characters (code points), the memory content limit. */
export function truncateContent(content: string): string {
  let count = 0
  let end = 0
  for (const char of content) {
    if (count === MAX_MEMORY_CONTENT_LENGTH) return content.slice(0, end)
    count++
    end += char.length
  }
  return content
}

/**
 * Splits messages into jobs of at most 50 messages and about `maxBytes` of JSON each, in order.
 * The same cut as `private.enqueue_memory_sync`.
 *
 * @param messages - the messages, oldest first
 * @param maxBytes - the JSON budget of one job
 */
export function splitMemorySyncMessages(
  messages: readonly MemorySyncMessage[],
  maxBytes: number = DEFAULT_MEMORY_SYNC_MAX_BYTES,
): MemorySyncMessage[][] {
  const encoder = new TextEncoder()
  const batches: MemorySyncMessage[][] = []
  let batch: MemorySyncMessage[] = []
  let bytes = 0
  for (const message of messages) {
    const size = encoder.encode(JSON.stringify(message)).byteLength + 2
    if (batch.length > 0 && (batch.length >= MAX_MEMORY_SYNC_MESSAGES || bytes + size > maxBytes - 256)) {
      batches.push(batch)
      batch = []
      bytes = 0
    }
    batch.push(message)
    bytes += size
  }
  if (batch.length > 0) batches.push(batch)
  return batches
}
