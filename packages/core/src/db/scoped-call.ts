import { toTripSageError } from './database-error.js'
import type { Scope, ScopedTransaction } from './scope.js'

/**
 * Runs one repository call in its scope and maps any failure to a `TripSageError` (errors the
 * repository threw on purpose pass through unchanged).
 *
 * @param scope - the scope of the repository
 * @param what - a short noun for messages, e.g. `"trip"`
 * @param fn - the call's statements, on the scoped transaction
 */
export async function scopedCall<T>(
  scope: Scope,
  what: string,
  fn: (trx: ScopedTransaction) => Promise<T>,
): Promise<T> {
  try {
    return await scope.run(fn)
  } catch (error) {
    throw toTripSageError(error, what)
  }
}
