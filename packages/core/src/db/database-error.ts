import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TripSageError,
  UnavailableError,
  ValidationError,
} from '../errors.js'

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
  const sqlState = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined
  if (!sqlState) return null
  const info: DatabaseErrorInfo = { sqlState }
  for (const key of ['constraint', 'table', 'column', 'schema'] as const) {
    if (typeof e[key] === 'string' && e[key]) info[key] = e[key] as string
  }
  return info
}

/** Network-level failures of a driver (no SQLSTATE) that mean "the database is not reachable". */
const connectionFailure =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Connection terminated|connection timeout|PGlite is closed/i

/**
 * Maps a database failure to a {@link TripSageError} without leaking row data.
 *
 * @param error - whatever the driver threw
 * @param what - a short noun for messages, e.g. `"trip"`
 */
export function toTripSageError(error: unknown, what = 'row'): TripSageError {
  if (TripSageError.isInstance(error)) return error
  const info = databaseErrorInfo(error)
  if (!info) {
    const message = error instanceof Error ? error.message : ''
    if (connectionFailure.test(message)) {
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
  if (klass === '08' || klass === '53' || klass === '57') {
    return new UnavailableError('The database is unavailable', options)
  }
  return new TripSageError('internal', `Unexpected database failure (${state}) on a ${what}`, options)
}

function sanitizedCause(error: unknown): { name: string } | undefined {
  return error instanceof Error ? { name: error.name } : undefined
}
