import type { JsonValue } from '../json-value.js'
import { canonicalJson } from './canonical-json.js'

/**
 * The cache key of a search query: the SHA-256 (Web Crypto) of its {@link canonicalJson} text as
 * UTF-8, in lowercase hex — what the `query_hash` columns hold.
 *
 * @param query - the search query
 */
export async function searchQueryHash(query: JsonValue): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalJson(query)))
  let hex = ''
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0')
  return hex
}
