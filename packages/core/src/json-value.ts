import { z } from 'zod'

/** A JSON value as stored in a `jsonb` column. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/** A JSON object (the shape of `metadata`-style `jsonb` columns). */
export type JsonObject = { [key: string]: JsonValue }

/**
 * True when `text` can be stored in Postgres `text`/`jsonb` unchanged: no NUL character (Postgres
 * refuses it) and no lone UTF-16 surrogate (it would be replaced on the way to UTF-8).
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !loneSurrogate.test(text)
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Length in Unicode code points — what Postgres `char_length` counts. */
export function codePointLength(text: string): number {
  let length = 0
  for (const _ of text) length++
  return length
}

function storable(value: unknown): boolean {
  if (typeof value === 'string') return isStorableText(value)
  if (Array.isArray(value)) return value.every(storable)
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).every(([key, v]) => isStorableText(key) && storable(v))
  }
  return true
}

const storableMessage = 'must not contain NUL characters or unpaired UTF-16 surrogates'

/**
 * Any JSON value Postgres `jsonb` stores unchanged: finite numbers, and strings and keys without
 * NUL or lone surrogates.
 */
export const JsonValue: z.ZodType<JsonValue> = z.json().refine(storable, { message: storableMessage })

/** A JSON object Postgres `jsonb` stores unchanged; see {@link JsonValue}. */
export const JsonObject: z.ZodType<JsonObject> = z
  .record(z.string(), z.json())
  .refine(storable, { message: storableMessage }) as z.ZodType<JsonObject>
