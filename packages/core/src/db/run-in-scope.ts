import { TripSageError } from '../errors.js'
import { toTripSageError } from './database-error.js'
import type { Scope, ScopedTransaction, ScopeRunOptions } from './scope.js'

/**
 * Runs `fn` in the scope (one transaction, or the open one of `me.transaction`) and turns any
 * database failure into a {@link TripSageError} that carries no row data.
 *
 * @param scope - where to run
 * @param what - a short noun for error messages, e.g. `"chat message"`
 * @param fn - the statements
 * @param options - `oneStatement: true` when `fn` sends exactly one statement (one round trip on
 *   a pipelining driver), extra settings
 */
export async function runInScope<T>(
  scope: Scope,
  what: string,
  fn: (trx: ScopedTransaction) => Promise<T>,
  options?: ScopeRunOptions,
): Promise<T> {
  try {
    return await scope.run(fn, options)
  } catch (error) {
    throw toTripSageError(error, what)
  }
}

/**
 * The run option of a call whose callback sends exactly one statement and has nothing to undo
 * after it: on a pipelining driver `commit` leaves with the statement (one round trip).
 */
export const oneStatement: ScopeRunOptions = Object.freeze({ oneStatement: true })

/**
 * The user id of a user scope; repositories that write `user_id` need it. Throws `internal` for
 * the service scope, which has none (a wiring bug, not a caller error).
 */
export function scopeUserId(scope: Scope): string {
  if (scope.userId === null) throw new TripSageError('internal', 'This repository needs a user scope')
  return scope.userId
}
