import { z } from 'zod'

/**
 * Field schemas shared by the domain input schemas. Each mirrors what Postgres accepts for the
 * column type and its CHECK constraint, so bad input fails before the database — and values the
 * database accepts are never refused here.
 */

/** An entity id: a UUID (every table's primary key is `gen_random_uuid()`). */
export const EntityId = z.uuid()

/** Postgres `text` cannot hold U+0000; refusing it here keeps the error a `validation` one. */
const hasNoNul = (value: string): boolean => !value.includes('\u0000')

/**
 * Text whose length is counted like Postgres `char_length` (Unicode code points, not UTF-16 units),
 * so `char_length(x) between min and max` and this schema agree on emoji and other astral characters.
 *
 * @param min - the least number of characters
 * @param max - the most
 */
export function boundedText(min: number, max: number) {
  return z
    .string()
    .refine(hasNoNul, { message: 'must not contain NUL characters' })
    .refine(
      (value) => {
        const length = [...value].length
        return length >= min && length <= max
      },
      { message: min > 0 ? `must be ${min} to ${max} characters` : `must be at most ${max} characters` },
    )
}

/** Text without a length limit (elements of `text[]` columns such as notes and tags). */
export const PlainText = z.string().refine(hasNoNul, { message: 'must not contain NUL characters' })

/** Postgres has no year 0: ISO year `0000` is refused by `date` and `timestamptz`. */
const notYearZero = (value: string): boolean => !value.startsWith('0000')

/** A calendar date `YYYY-MM-DD` (real month and day, leap years respected; years 0001–9999). */
export const IsoDate = z.iso.date().refine(notYearZero, { message: 'year 0000 does not exist' })

/** An ISO 8601 instant with `Z` or an explicit offset, e.g. `2026-05-01T09:30:00Z`. */
export const IsoTimestamp = z.iso
  .datetime({ offset: true })
  .refine(notYearZero, { message: 'year 0000 does not exist' })

/** An ISO 4217-style currency code: three upper-case letters (`^[A-Z]{3}$`). */
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, { message: 'must be three upper-case letters, e.g. EUR' })

/** The largest value of a `numeric(12, 2)` column. */
const maxMoney = 9_999_999_999.99

/**
 * An amount of money for a `numeric(12, 2)` column with the prices' CHECK `>= 0`: whole cents
 * (the column would round anything finer), at most 9 999 999 999.99.
 */
export const Money = z.number().multipleOf(0.01).min(0).max(maxMoney)

/** A strictly positive amount of money (`> 0`, e.g. a trip budget). */
export const PositiveMoney = z.number().multipleOf(0.01).gt(0).max(maxMoney)

/** A value of a Postgres `integer` column. */
export const Int32 = z.number().int().min(-2_147_483_648).max(2_147_483_647)

// The JSON schemas live in one place (json-value.ts); trips' schemas import them from here too.
export { JsonObject, type JsonObjectInput, JsonValue, type JsonValueInput } from './json-value.js'
