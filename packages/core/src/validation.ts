import type { z } from 'zod'
import { ValidationError } from './errors.js'
import { humanIssueMessage } from './validation-messages.js'

/**
 * Parses public input with its zod schema; on failure throws a `validation`
 * {@link ValidationError} whose message names the input and its first problem in plain words
 * (`Invalid trip: name is required (and 2 more)`) and whose `details.issues` lists every path,
 * zod code and sentence — never the values.
 *
 * @param schema - the exported schema of the same name as the input type
 * @param input - whatever the caller passed
 * @param what - a short noun for the message, e.g. `"trip"`
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    code: issue.code,
    message: humanIssueMessage(issue),
  }))
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
  throw new ValidationError(`Invalid ${what}: ${issues[0]?.message ?? 'refused'}${more}`, { details: { issues } })
}
