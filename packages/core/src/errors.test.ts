import { describe, expect, it } from 'vitest'
import { toTripSageError } from './db/database-error.js'
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  TripSageError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
} from './errors.js'

describe('TripSageError', () => {
  it('is recognised by brand, not by class identity', () => {
    const error = new ValidationError('Invalid trip')
    expect(TripSageError.isInstance(error)).toBe(true)
    expect(error.code).toBe('validation')
    // A structurally identical error from another copy of the package carries the same brand.
    const foreign = Object.assign(Object.create(Error.prototype), { [Symbol.for('tripsage.error')]: true })
    expect(TripSageError.isInstance(foreign)).toBe(true)
    expect(TripSageError.isInstance(new Error('x'))).toBe(false)
    expect(TripSageError.isInstance(null)).toBe(false)
  })

  it.each([
    [ValidationError, 'validation'],
    [UnauthorizedError, 'unauthorized'],
    [NotFoundError, 'not_found'],
    [ForbiddenError, 'forbidden'],
    [ConflictError, 'conflict'],
    [RateLimitedError, 'rate_limited'],
    [UnavailableError, 'unavailable'],
  ] as const)('%o carries the code %s and its own name', (ErrorClass, code) => {
    const error = new ErrorClass('refused')
    expect(error.code).toBe(code)
    expect(error.name).toBe(ErrorClass.name)
    expect(TripSageError.isInstance(error)).toBe(true)
  })

  it('serialises to JSON without a stack or cause', () => {
    const error = new TripSageError('conflict', 'Duplicate', {
      cause: new Error('secret row data'),
      details: { sqlState: '23505' },
    })
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'TripSageError',
      code: 'conflict',
      message: 'Duplicate',
      details: { sqlState: '23505' },
    })
  })
})

describe('toTripSageError', () => {
  const pgError = (code: string, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error('new row violates … (alice@example.com, 4111111111111111)'), {
      code,
      detail: 'Failing row contains (alice@example.com, 4111111111111111)',
      ...extra,
    })

  it.each([
    ['42501', 'forbidden'],
    ['23505', 'conflict'],
    ['23503', 'not_found'],
    ['23514', 'validation'],
    ['22P02', 'validation'],
    ['55000', 'conflict'],
    ['40001', 'conflict'],
    ['08006', 'unavailable'],
    ['57P01', 'unavailable'],
    ['XX000', 'internal'],
  ])('maps SQLSTATE %s to %s', (sqlState, code) => {
    expect(toTripSageError(pgError(sqlState), 'trip').code).toBe(code)
  })

  it('keeps identifiers and drops row data from message, details and cause', () => {
    const error = toTripSageError(pgError('23514', { constraint: 'trips_date_check', table: 'trips' }), 'trip')
    const everything = JSON.stringify({ message: error.message, details: error.details, cause: error.cause })
    expect(everything).toContain('trips_date_check')
    expect(everything).not.toContain('alice@example.com')
    expect(everything).not.toContain('4111')
  })

  it('maps a refused connection to unavailable and returns TripSageErrors unchanged', () => {
    expect(toTripSageError(new Error('connect ECONNREFUSED 127.0.0.1:5432')).code).toBe('unavailable')
    const original = new ValidationError('x')
    expect(toTripSageError(original)).toBe(original)
  })
})
