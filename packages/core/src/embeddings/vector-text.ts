import { TripSageError } from '../errors.js'

/**
 * pgvector's text form of a vector (`'[1,2.5,-3]'`), which every driver can send as a plain
 * string parameter and cast with `::extensions.vector`.
 *
 * @param vector - finite numbers
 */
export function toVectorText(vector: readonly number[]): string {
  return `[${vector.join(',')}]`
}

/**
 * Parses pgvector's text output (`'[1,2.5,-3]'`). PGlite and `pg` return `vector` columns as
 * this text unless a type parser is registered; an already-parsed array is returned as is.
 *
 * @param value - the column value
 */
export function parseVectorText(value: unknown): number[] {
  if (Array.isArray(value)) return value as number[]
  if (typeof value === 'string') {
    // pgvector prints shortest round-trip floats (`1e-05`, never NaN/Infinity): valid JSON numbers.
    const parsed: unknown = JSON.parse(value)
    if (Array.isArray(parsed)) return parsed as number[]
  }
  throw new TripSageError('internal', 'A vector column could not be parsed')
}
