/**
 * An ISO 8601 string for a `timestamptz` value as the driver returned it: `pg` and PGlite parse
 * it into a `Date`, postgres.js may hand back text (the generated types say `string`).
 *
 * @param value - a `timestamptz` column value
 */
export function toIsoTimestamp(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString()
}

/** {@link toIsoTimestamp} for a nullable column. */
export function toIsoTimestampOrNull(value: Date | string | null): string | null {
  return value === null ? null : toIsoTimestamp(value)
}
