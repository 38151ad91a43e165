import { z } from 'zod'

/** A JSON value as stored in a `jsonb` column. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/** A JSON object (the shape of `metadata`-style `jsonb` columns). */
export type JsonObject = { [key: string]: JsonValue }

/** Any JSON value as input: like {@link JsonValue}, but readonly arrays and objects (`as const`) are welcome. */
export type JsonValueInput =
  | string
  | number
  | boolean
  | null
  | readonly JsonValueInput[]
  | { readonly [key: string]: JsonValueInput }

/** A JSON object as input; see {@link JsonValueInput}. */
export type JsonObjectInput = { readonly [key: string]: JsonValueInput }

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * True when `text` can be stored in Postgres `text`/`jsonb` unchanged: no NUL character (Postgres
 * refuses it) and no lone UTF-16 surrogate (it would be replaced on the way to UTF-8).
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !loneSurrogate.test(text)
}

/** Length in Unicode code points — what Postgres `char_length` counts. */
export function codePointLength(text: string): number {
  let length = 0
  for (const _ of text) length++
  return length
}

// Deeper than any real payload, shallow enough to stop a cycle or a stack overflow.
const maxDepth = 64

interface JsonProblem {
  path: (string | number)[]
  message: string
}

/** The first reason `value` is not storable JSON, with its path; null when it is. */
function jsonProblem(value: unknown, path: (string | number)[]): JsonProblem | null {
  if (path.length > maxDepth) return { path, message: `must be nested at most ${maxDepth} levels deep` }
  if (value === null || typeof value === 'boolean') return null
  if (typeof value === 'number') return Number.isFinite(value) ? null : { path, message: 'must be a finite number' }
  if (typeof value === 'string') {
    return isStorableText(value)
      ? null
      : { path, message: 'must not contain NUL characters or unpaired UTF-16 surrogates' }
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = jsonProblem(item, [...path, index])
      if (problem) return problem
    }
    return null
  }
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value)
    if (prototype !== Object.prototype && prototype !== null) return { path, message: 'must be a plain object' }
    for (const key of Object.keys(value)) {
      if (!isStorableText(key)) {
        return { path: [...path, key], message: 'keys must not contain NUL characters or unpaired UTF-16 surrogates' }
      }
      const problem = jsonProblem((value as Record<string, unknown>)[key], [...path, key])
      if (problem) return problem
    }
    return null
  }
  return { path, message: `must be JSON (not ${typeof value})` }
}

/**
 * Any JSON value Postgres `jsonb` stores unchanged: finite numbers, plain objects and arrays, and
 * strings and keys without NUL or lone surrogates. The value passes through as given (every key
 * kept, `__proto__` included), not rebuilt.
 */
export const JsonValue = z.unknown().superRefine((value, ctx) => {
  const problem = jsonProblem(value, [])
  if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message, continue: false })
}) as unknown as z.ZodType<JsonValue, JsonValueInput>

/** A JSON object Postgres `jsonb` stores unchanged; see {@link JsonValue}. */
export const JsonObject = z.unknown().superRefine((value, ctx) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object', continue: false })
    return
  }
  const problem = jsonProblem(value, [])
  if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message, continue: false })
}) as unknown as z.ZodType<JsonObject, JsonObjectInput>
