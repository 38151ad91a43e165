import type { z } from 'zod'
import { ValidationError } from './errors.js'

/**
 * Parses public input with its zod schema; on failure throws a `validation`
 * {@link ValidationError} whose `details.issues` lists paths and messages — never the values.
 *
 * @param schema - the exported schema of the same name as the input type
 * @param input - whatever the caller passed
 * @param what - a short noun for the message, e.g. `"trip"`
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw new ValidationError(`Invalid ${what}`, {
    details: {
      issues: result.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        code: issue.code,
        message: issue.message,
      })),
    },
  })
}
