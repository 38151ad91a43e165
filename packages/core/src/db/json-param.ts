import { type RawBuilder, sql } from 'kysely'

/**
 * JSON text as a `jsonb` SQL expression whose parameter is typed `text`.
 *
 * Why the `::text` step: a driver that asks the server for parameter types serialises a
 * parameter the server typed `jsonb` with its own JSON encoder. postgres.js does (`JSON.stringify`
 * for types 114 and 3802), so JSON text sent as `$1::jsonb` arrived as a JSON *string* holding the
 * text (`jsonb_populate_record` then failed with 22023 "cannot call populate_composite on a
 * scalar"). Typed `text`, every driver sends the string as it is, and the server parses it.
 *
 * @param text - JSON text, e.g. from `JSON.stringify`
 */
export function jsonbFromText<T = unknown>(text: string): RawBuilder<T> {
  return sql<T>`${text}::text::jsonb`
}

/**
 * A JSON value as a `jsonb` SQL expression, sent as text on every driver (see
 * {@link jsonbFromText}).
 *
 * @param value - any JSON-serialisable value
 */
export function jsonbValue<T = unknown>(value: unknown): RawBuilder<T> {
  return jsonbFromText<T>(JSON.stringify(value))
}

/**
 * JSON text as a `json` SQL expression (kept as written, duplicate keys and all), its parameter
 * typed `text` for the same reason as {@link jsonbFromText}.
 *
 * @param text - JSON text
 */
export function jsonFromText<T = unknown>(text: string): RawBuilder<T> {
  return sql<T>`${text}::text::json`
}
