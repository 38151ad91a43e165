import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TripSageError,
  UnavailableError,
  ValidationError,
} from '../errors.js'
import { CallCancelled } from './deadline.js'

/**
 * What the SDK keeps of a Postgres error: identifiers only. `message`, `detail` and `where` are
 * dropped because Postgres puts the failing row's values there.
 */
export interface DatabaseErrorInfo {
  /** The five-character SQLSTATE, e.g. `23505` (unique violation) or `42501` (RLS refusal). */
  sqlState: string
  /** The constraint that failed, when Postgres names one. */
  constraint?: string
  /** The table involved, when Postgres names one. */
  table?: string
  /** The column involved, when Postgres names one. */
  column?: string
  /** The schema of `table`. */
  schema?: string
}

/** Reads the identifying fields of a `pg` or PGlite error, or null when it is not one. */
export function databaseErrorInfo(error: unknown): DatabaseErrorInfo | null {
  if (typeof error !== 'object' || error === null) return null
  const e = error as Record<string, unknown>
  // EPIPE is Node's, not a SQLSTATE (those are five digits or capitals, and never EPIPE).
  const sqlState = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && e.code !== 'EPIPE' ? e.code : undefined
  if (!sqlState) return null
  const info: DatabaseErrorInfo = { sqlState }
  for (const key of ['constraint', 'table', 'column', 'schema'] as const) {
    if (typeof e[key] === 'string' && e[key]) info[key] = e[key] as string
  }
  return info
}

/**
 * Driver failures without a SQLSTATE that mean "the database is not reachable", by `code` (Node's
 * socket and TLS errors, postgres.js's connection errors) or by message (`pg` throws plain
 * `Error`s: "Connection terminated unexpectedly", "timeout exceeded when trying to connect",
 * "Query read timeout", "Client has encountered a connection error and is not queryable").
 */
const connectionFailureCode =
  /^(ECONNREFUSED|ECONNRESET|ECONNABORTED|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|ERR_SOCKET_CLOSED|ERR_STREAM_DESTROYED|CONNECTION_CLOSED|CONNECTION_DESTROYED|CONNECTION_ENDED|CONNECT_TIMEOUT|SASL_SIGNATURE_MISMATCH|AUTH_TYPE_NOT_IMPLEMENTED|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID|ERR_SSL_\w+)$/
const connectionFailureMessage =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|not queryable|Connection ended|server does not support SSL|SSL connection|self[- ]signed certificate|certificate|PGlite is closed/i

/** True when `error` says the database could not be reached or the connection broke. */
export function isConnectionFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const e = error as { code?: unknown; message?: unknown; errors?: unknown }
  if (typeof e.code === 'string' && connectionFailureCode.test(e.code)) return true
  // Node reports a refused dual-stack connect as an AggregateError of per-address errors.
  if (Array.isArray(e.errors) && e.errors.some(isConnectionFailure)) return true
  if (CallCancelled.isInstance(error)) return true
  return !databaseErrorInfo(error) && typeof e.message === 'string' && connectionFailureMessage.test(e.message)
}

/**
 * Maps a database failure to a {@link TripSageError} without leaking row data.
 *
 * @param error - whatever the driver threw
 * @param what - a short noun for messages, e.g. `"trip"`
 */
export function toTripSageError(error: unknown, what = 'row'): TripSageError {
  if (TripSageError.isInstance(error)) return error
  if (CallCancelled.isInstance(error)) {
    return new UnavailableError(
      error.reason === 'deadline' ? 'The database call ran past its deadline' : 'The database call was aborted',
      { cause: sanitizedCause(error), details: { reason: error.reason } },
    )
  }
  const info = databaseErrorInfo(error)
  if (!info) {
    if (isConnectionFailure(error)) {
      return new UnavailableError('The database is unavailable', { cause: sanitizedCause(error) })
    }
    return new TripSageError('internal', `Unexpected failure while writing or reading a ${what}`, {
      cause: sanitizedCause(error),
    })
  }
  const details: Record<string, unknown> = { ...info }
  const options = { cause: info, details }
  const state = info.sqlState
  const klass = state.slice(0, 2)
  if (state === '42501') return new ForbiddenError(`Not allowed to change this ${what}`, options)
  if (state === '23505') return new ConflictError(`A ${what} with the same key already exists`, options)
  if (state === '23503') return new NotFoundError(`A ${what} refers to a row that does not exist`, options)
  if (state === '55000' || state === '40001' || state === '40P01') {
    return new ConflictError(`The ${what} changed concurrently or is not in a state that allows this`, options)
  }
  if (klass === '23' || klass === '22') return new ValidationError(`Invalid ${what}`, options)
  // 08 connection exception, 28 invalid authorization (wrong password, no pg_hba entry), 53
  // insufficient resources, 57 operator intervention (terminated backend, statement_timeout), 58
  // system error: the database cannot serve the call, whatever the input.
  if (klass === '08' || klass === '28' || klass === '53' || klass === '57' || klass === '58') {
    return new UnavailableError('The database is unavailable', options)
  }
  return new TripSageError('internal', `Unexpected database failure (${state}) on a ${what}`, options)
}

function sanitizedCause(error: unknown): { name: string } | undefined {
  return error instanceof Error ? { name: error.name } : undefined
}

/**
 * Maps what a `transaction(fn)` callback threw: database and connection failures become
 * {@link TripSageError}s (as in repository calls); the caller's own errors pass through unchanged.
 *
 * @param error - whatever the transaction threw
 */
export function toTripSageErrorIfDatabase(error: unknown): unknown {
  if (TripSageError.isInstance(error)) return error
  if (databaseErrorInfo(error) || isConnectionFailure(error) || isAbortedTransaction(error)) {
    return toTripSageError(error, 'transaction')
  }
  return error
}

function isAbortedTransaction(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortedTransactionError'
}
