import { type RawBuilder, sql } from 'kysely'

/**
 * Timestamp text as a `timestamptz` SQL expression whose parameter is typed `text`.
 *
 * Why the `::text` step: a driver that asks the server for parameter types serialises a
 * parameter the server typed `date`, `timestamp` or `timestamptz` with its own date encoder.
 * postgres.js does (`new Date(value).toISOString()` for types 1082, 1114 and 1184), which drops
 * the microseconds of a keyset cursor (pages then repeat or skip rows) and throws a `RangeError`
 * for a forged value instead of letting the server refuse it (22007, a `validation` error).
 * Typed `text`, every driver sends the string as it is, and the server parses it.
 *
 * @param text - an ISO 8601 timestamp, or null
 */
export function timestamptzFromText(text: string | null): RawBuilder<string> {
  return sql<string>`${text}::text::timestamptz`
}

/**
 * Date text (`YYYY-MM-DD`) as a `date` SQL expression, its parameter typed `text` for the same
 * reason as {@link timestamptzFromText}.
 *
 * @param text - an ISO 8601 date, or null
 */
export function dateFromText(text: string | null): RawBuilder<string> {
  return sql<string>`${text}::text::date`
}
