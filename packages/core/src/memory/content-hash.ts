/**
 * The dedup key of a memory: sha256 hex of its content with every run of whitespace collapsed to
 * one space and the ends trimmed, so "Likes  window\nseats" and "Likes window seats" are the same
 * memory. Case and punctuation still count. Uses Web Crypto (`crypto.subtle`), so it runs on any
 * host runtime.
 *
 * @param content - the memory text (already NFC-normalised by the input schema)
 */
export async function contentHash(content: string): Promise<string> {
  const normalised = content.replace(/\s+/gu, ' ').trim()
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(normalised))
  let hex = ''
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0')
  return hex
}
