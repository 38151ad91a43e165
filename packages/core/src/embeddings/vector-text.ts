import { TripSageError } from '../errors.js'

/**
 * pgvector's text form of a vector (`'[1,2.5,-3]'`), which every driver can send as a plain
 * string parameter and cast with `::extensions.vector`. pgvector stores single-precision floats,
 * so each number is written with at most 9 significant digits — exactly enough to round-trip a
 * float32 — instead of a double's 17: about half the bytes on the wire, with no loss.
 *
 * @param vector - finite numbers
 */
export function toVectorText(vector: readonly number[]): string {
  let text = '['
  for (let i = 0; i < vector.length; i++) {
    if (i > 0) text += ','
    text += float4Text(vector[i] as number)
  }
  return `${text}]`
}

function float4Text(x: number): string {
  const single = Math.fround(x)
  const shortest = String(single)
  return shortest.length <= 11 ? shortest : String(Number(single.toPrecision(9)))
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
