import { TripSageError } from '../errors.js'

/** What an agent tool reports to the model when a call fails: a stable code and a safe sentence. */
export interface AgentToolFailure {
  /** The `TripSageError` code (`validation`, `not_found`, `forbidden`, `conflict`, …), or `internal`. */
  readonly code: string
  /** A sentence without row data, secrets or internals; for `validation`, which fields and why. */
  readonly message: string
}

/**
 * The failure of a tool call as the model reads it. A `TripSageError` keeps its code and message
 * (they never carry row data) and, for `validation`, the paths and reasons of its issues (never the
 * values). Anything else is `internal` with a fixed sentence: the model learns nothing of stack
 * traces, SQL or other users.
 *
 * @param error - whatever the repository call threw
 */
export function toAgentToolFailure(error: unknown): AgentToolFailure {
  if (!TripSageError.isInstance(error)) return { code: 'internal', message: 'The tool failed unexpectedly.' }
  const issues = error.code === 'validation' ? error.details?.issues : undefined
  const reasons = Array.isArray(issues)
    ? issues
        .slice(0, 5)
        .map((issue: { path?: unknown; message?: unknown }) =>
          [issue.path ? String(issue.path) : 'input', String(issue.message ?? 'is invalid')].join(': '),
        )
        // Validation messages already name their first reasons in plain words: say each once.
        .filter((reason: string) => !error.message.includes(reason.slice(reason.indexOf(': ') + 2)))
    : []
  return { code: error.code, message: reasons.length ? `${error.message} (${reasons.join('; ')})` : error.message }
}

/**
 * The error an agent tool throws: the AI SDK turns it into a `tool-error` part whose `errorText`
 * (`"<code>: <message>"`) the model reads on its next step, and the UI shows.
 */
export class AgentToolError extends Error {
  /** See {@link AgentToolFailure.code}. */
  readonly code: string

  /** @param failure - the safe code and sentence */
  constructor(failure: AgentToolFailure) {
    super(`${failure.code}: ${failure.message}`)
    this.name = 'AgentToolError'
    this.code = failure.code
  }
}
