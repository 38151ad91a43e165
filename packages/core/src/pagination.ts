import { z } from 'zod'
import { ValidationError } from './errors.js'

/** One page of a keyset-paginated list. Pass `nextCursor` back as `cursor` for the next page. */
export interface Page<T> {
  /** The entities of this page, in the list's order. */
  readonly items: T[]
  /** Opaque; null on the last page. */
  readonly nextCursor: string | null
}

/** Page size accepted by every list: 1–100, default 20. */
export const PageLimit = z.number().int().min(1).max(100).default(20)

/**
 * Encodes the sort key of the last row of a page as an opaque cursor (base64url JSON).
 *
 * @param key - the values of the ORDER BY columns of the last row, in order
 */
export function encodeCursor(key: readonly (string | number | null)[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(key))
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * Decodes a cursor made by {@link encodeCursor}; throws `validation` when it is malformed or
 * does not have `length` parts.
 *
 * @param cursor - the opaque cursor
 * @param length - how many sort-key values it must hold
 */
export function decodeCursor(cursor: string, length: number): (string | number | null)[] {
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0))
    const key = JSON.parse(new TextDecoder().decode(bytes))
    if (
      Array.isArray(key) &&
      key.length === length &&
      key.every((v) => v === null || typeof v === 'string' || typeof v === 'number')
    ) {
      return key
    }
  } catch {
    // fall through
  }
  throw new ValidationError('Invalid cursor', {
    details: { issues: [{ path: 'cursor', message: 'malformed cursor' }] },
  })
}

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only tells whether a next page exists.
 *
 * @param rows - up to `limit + 1` rows in page order
 * @param limit - the page size
 * @param keyOf - the sort key of a row (the ORDER BY values)
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => (string | number | null)[],
  map: (row: R) => T,
): Page<T> {
  const hasMore = rows.length > limit
  const pageRows = hasMore ? rows.slice(0, limit) : rows
  const last = pageRows.at(-1)
  return { items: pageRows.map(map), nextCursor: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null }
}
