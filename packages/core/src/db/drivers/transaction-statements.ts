import { AbortedTransactionError, CompiledQuery, type DatabaseConnection, type TransactionSettings } from 'kysely'
import { commitWasRolledBack } from '../wire.js'

/** `begin`, or `start transaction …` with the requested isolation level and access mode. */
export function beginStatement(settings: TransactionSettings): CompiledQuery {
  const parts = ['start transaction']
  if (settings.isolationLevel) parts.push(`isolation level ${settings.isolationLevel}`)
  if (settings.accessMode) parts.push(settings.accessMode)
  return CompiledQuery.raw(parts.length === 1 ? 'begin' : parts.join(' '))
}

/** Runs `commit`; throws when PostgreSQL answered `ROLLBACK` (an earlier error aborted the transaction). */
export async function commitOrThrow(connection: DatabaseConnection): Promise<void> {
  const { rows } = await connection.executeQuery(CompiledQuery.raw('commit'))
  if (commitWasRolledBack(rows)) throw new AbortedTransactionError()
}
