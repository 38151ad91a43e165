import { ValidationError } from '@tripsage/core'

/**
 * Checks a required port of a job handler factory at construction: a handler built without one
 * would otherwise start fine and answer every delivery with 500 `internal`.
 *
 * @param value - the option as passed
 * @param option - its name, as the caller wrote it (`embedder`, `tripsage`…)
 * @param kind - `object` for a port (client, embedder…), `function` for a callback
 * @param hint - what to pass, for the message
 * @throws ValidationError with `details.option` naming the option
 */
export function requireOption(value: unknown, option: string, kind: 'object' | 'function', hint: string): void {
  const present = kind === 'function' ? typeof value === 'function' : typeof value === 'object' && value !== null
  if (!present) {
    throw new ValidationError(`The job handler needs \`${option}\`: ${hint}`, { details: { option } })
  }
}
