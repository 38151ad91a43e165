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

/**
 * Nine significant digits of the float32 nearest `x`, trailing zeros dropped (`2`, `0.25`,
 * `1.00000001e-7`). One `toPrecision` per number: the shortest-repr detour (`String` of the
 * float32, then of the 9-digit number) cost three conversions for almost every value of a dense
 * embedding: 131 ms of main-thread time per 50 × 1 536 floats against 20 ms, same text
 * (decision 0018).
 */
function float4Text(x: number): string {
  if (x === 0) return '0'
  const text = Math.fround(x).toPrecision(9)
  const exponent = text.indexOf('e')
  const mantissa = exponent < 0 ? text : text.slice(0, exponent)
  if (!mantissa.includes('.')) return text
  let end = mantissa.length
  while (mantissa.charCodeAt(end - 1) === 48 /* 0 */) end--
  if (mantissa.charCodeAt(end - 1) === 46 /* . */) end--
  return exponent < 0 ? mantissa.slice(0, end) : mantissa.slice(0, end) + text.slice(exponent)
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
