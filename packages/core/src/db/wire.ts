import type { DatabaseConnection } from 'kysely'

/**
 * What the SDK's own drivers (`@tripsage/core/pg`, `@tripsage/core/postgres-js`) add to a
 * connection, under a `Symbol.for` key so two copies of the package agree.
 */
export const wireKey: unique symbol = Symbol.for('tripsage.wire') as never

/** The extra control a scope has over a connection of the SDK's own drivers. */
export interface Wire {
  /**
   * True when a query may be written before the answers to earlier ones arrived (pg pipeline
   * mode, postgres.js). Each query ends with its own Sync, so an error in one does not swallow the
   * next: a `commit` behind a failed statement is answered `ROLLBACK`.
   */
  readonly pipelined: boolean
  /**
   * Ends this connection now (its socket is destroyed; pending queries fail) and makes sure it is
   * never handed to another borrower. Used when a deadline passes: a connection whose call timed
   * out may still hold an open transaction, or answers nobody is waiting for.
   */
  destroy(): void
}

/** The {@link Wire} of a connection made by one of the SDK's drivers, or undefined for any other. */
export function wireOf(connection: DatabaseConnection): Wire | undefined {
  const wire = (connection as { [wireKey]?: Wire })[wireKey]
  return typeof wire === 'object' && wire !== null && typeof wire.destroy === 'function' ? wire : undefined
}

/** The rows of a driver's answer to `commit`: Kysely's drivers report `{ command: 'ROLLBACK' }`. */
export function commitWasRolledBack(rows: readonly unknown[]): boolean {
  return (rows[0] as { command?: string } | undefined)?.command === 'ROLLBACK'
}
