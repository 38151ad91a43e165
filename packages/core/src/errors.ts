/**
 * The stable error codes of the SDK. Branch on `code`, never on `message`.
 *
 * - `validation`: the input was refused (by a zod schema or a database check).
 * - `unauthorized`: the caller is not authenticated: a missing or bad token, signature or claims
 *   (HTTP 401). The SDK's job handlers answer it for a missing or invalid `Upstash-Signature`.
 * - `not_found`: the row does not exist or the caller cannot see it.
 * - `forbidden`: the caller can see the row but may not change it (RLS `42501`).
 * - `conflict`: a unique key, a state transition or a concurrent change collided.
 * - `rate_limited`: a limiter denied the call.
 * - `unavailable`: a dependency (database, Redis, provider) is down or timed out; retryable.
 * - `internal`: a bug or an unexpected failure.
 */
export type TripSageErrorCode =
  | 'validation'
  | 'unauthorized'
  | 'not_found'
  | 'forbidden'
  | 'conflict'
  | 'rate_limited'
  | 'unavailable'
  | 'internal'

const brand = Symbol.for('tripsage.error')

/** Options accepted by every {@link TripSageError} constructor. */
export interface TripSageErrorOptions {
  /** The underlying failure. Never carries row data or secrets (see `DatabaseErrorInfo`). */
  cause?: unknown
  /** Machine-readable context: field paths, constraint names, SQLSTATE. Never row data. */
  details?: Record<string, unknown>
}

/**
 * The one error type the SDK throws on purpose. Use {@link TripSageError.isInstance} rather than
 * `instanceof`, which breaks when two copies of the package are loaded (ESM + CJS, or a bundler).
 */
export class TripSageError extends Error {
  /** The cross-copy brand {@link TripSageError.isInstance} checks (`Symbol.for('tripsage.error')`). */
  readonly [brand] = true
  /** A stable code from {@link TripSageErrorCode}. */
  readonly code: TripSageErrorCode
  /** Machine-readable context (never row data or secrets). */
  readonly details: Record<string, unknown> | undefined

  /**
   * @param code - the stable code callers branch on
   * @param message - a human-readable sentence without row data or secrets
   * @param options - `cause` and `details`
   */
  constructor(code: TripSageErrorCode, message: string, options: TripSageErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'TripSageError'
    this.code = code
    this.details = options.details
  }

  /** True for any `TripSageError`, from whichever copy of the package created it. */
  static isInstance(value: unknown): value is TripSageError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true
  }

  /** A JSON form that is safe to log or return to a client. */
  toJSON(): {
    /** The error class name, e.g. `NotFoundError`. */
    name: string
    /** The stable code. */
    code: TripSageErrorCode
    /** The human-readable sentence (no row data or secrets). */
    message: string
    /** Machine-readable context, when there is any. */
    details?: Record<string, unknown>
  } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
    }
  }
}

/** Input was refused (zod schema or database check). `details.issues` lists the paths. */
export class ValidationError extends TripSageError {
  /** @param message - what was wrong, without the value itself */
  constructor(message: string, options?: TripSageErrorOptions) {
    super('validation', message, options)
    this.name = 'ValidationError'
  }
}

/**
 * The caller is not authenticated: no credentials, or credentials that do not verify (a bearer
 * token, a request signature). Unlike `forbidden`, signing in (or signing correctly) can fix it.
 */
export class UnauthorizedError extends TripSageError {
  /** @param message - which credential was missing or refused, never the credential itself */
  constructor(message: string, options?: TripSageErrorOptions) {
    super('unauthorized', message, options)
    this.name = 'UnauthorizedError'
  }
}

/** The row does not exist, or RLS hides it from the caller. */
export class NotFoundError extends TripSageError {
  /** @param message - which kind of row was not found */
  constructor(message: string, options?: TripSageErrorOptions) {
    super('not_found', message, options)
    this.name = 'NotFoundError'
  }
}

/** The caller may see the row but not change it. */
export class ForbiddenError extends TripSageError {
  /** @param message - which operation was refused */
  constructor(message: string, options?: TripSageErrorOptions) {
    super('forbidden', message, options)
    this.name = 'ForbiddenError'
  }
}

/** A unique key, a state transition or a concurrent change collided. */
export class ConflictError extends TripSageError {
  /** @param message - what collided */
  constructor(message: string, options?: TripSageErrorOptions) {
    super('conflict', message, options)
    this.name = 'ConflictError'
  }
}

/** A rate limiter denied the call. `details.reset` is when to retry (epoch ms). */
export class RateLimitedError extends TripSageError {
  /** @param message - which limit was hit */
  constructor(message: string, options?: TripSageErrorOptions) {
    super('rate_limited', message, options)
    this.name = 'RateLimitedError'
  }
}

/** A dependency is down or timed out. Safe to retry. */
export class UnavailableError extends TripSageError {
  /** @param message - which dependency failed */
  constructor(message: string, options?: TripSageErrorOptions) {
    super('unavailable', message, options)
    this.name = 'UnavailableError'
  }
}
