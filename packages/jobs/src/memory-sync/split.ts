import { MAX_MEMORY_CONTENT_LENGTH } from '@tripsage/core'

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
