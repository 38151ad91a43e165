import type { z } from 'zod'

/**
 * A cross-field check mirroring a `b >= a` (or `b > a`) CHECK constraint. Only runs when both
 * fields are present; on a partial update the database compares with the stored value.
 *
 * @param first - the earlier field
 * @param second - the later field
 * @param options - `strict` for `>` instead of `>=`; `instant` to compare ISO timestamps as instants
 */
export function ordered<K extends string>(
  first: K,
  second: K,
  options: { strict?: boolean; instant?: boolean } = {},
): (value: Partial<Record<K, unknown>>, ctx: z.RefinementCtx) => void {
  return (value, ctx) => {
    const a = value[first]
    const b = value[second]
    if (typeof a !== 'string' || typeof b !== 'string') return
    const [x, y] = options.instant ? [Date.parse(a), Date.parse(b)] : [a, b]
    if (options.strict ? y <= x : y < x) {
      ctx.addIssue({
        code: 'custom',
        path: [second],
        message: `must be ${options.strict ? 'after' : 'on or after'} ${first}`,
      })
    }
  }
}

/** Refuses an empty patch: an update must change at least one field. */
export function notEmpty(value: object): boolean {
  return Object.values(value).some((v) => v !== undefined)
}
