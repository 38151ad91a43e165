import { type RawBuilder, sql } from 'kysely'
import { ForbiddenError, NotFoundError, type TripSageError } from '../errors.js'
import type { ScopedTransaction } from './scope.js'

/**
 * RLS filters an UPDATE or DELETE silently: it just touches no row. Called after such a statement
 * matched nothing, this asks in the same transaction whether the row is visible to the caller and
 * returns the error to throw — `forbidden` when they can see it but may not change it, `not_found`
 * when they cannot see it (or it does not exist). See docs/decisions/0002 "Denied versus invisible".
 *
 * @param trx - the open scoped transaction
 * @param probe - a `select 1 from … where …` naming the row
 * @param what - a short noun for messages, e.g. `"trip"`
 */
export async function deniedOrInvisible(
  trx: ScopedTransaction,
  probe: RawBuilder<unknown>,
  what: string,
): Promise<TripSageError> {
  const { rows } = await sql<{ visible: boolean }>`select exists (${probe}) as visible`.execute(trx)
  return rows[0]?.visible
    ? new ForbiddenError(`Not allowed to change this ${what}`)
    : new NotFoundError(`No such ${what}, or it is not visible to you`)
}
