import type { JsonValue } from '../json-value.js'

/**
 * The canonical JSON text of a value: object keys sorted (by UTF-16 code units), no whitespace,
 * strings and numbers as `JSON.stringify` writes them — the JSON Canonicalization Scheme
 * (RFC 8785) for JSON values. Equal queries give equal text however their keys were ordered.
 *
 * @param value - a JSON value (no `undefined`, functions or non-finite numbers)
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const members = Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`)
  return `{${members.join(',')}}`
}
