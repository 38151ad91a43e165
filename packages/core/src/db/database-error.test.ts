import { describe, expect, it } from 'vitest'
import { TripSageError } from '../errors.js'
import { toTripSageError, toTripSageErrorIfDatabase } from './database-error.js'
import { CallCancelled } from './deadline.js'

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code })

describe('connection failures are unavailable, whatever the driver', () => {
  it.each([
    ['pg: checkout timeout', new Error('timeout exceeded when trying to connect')],
    ['pg: query_timeout', new Error('Query read timeout')],
    ['pg: broken client', new Error('Client has encountered a connection error and is not queryable')],
    ['pg: terminated', new Error('Connection terminated unexpectedly')],
    ['pg: connect timeout', new Error('Connection terminated due to connection timeout')],
    ['pg: TLS refused', new Error('The server does not support SSL connections')],
    ['node: refused', withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED')],
    ['node: reset', withCode('read ECONNRESET', 'ECONNRESET')],
    ['node: broken pipe (EPIPE is not a SQLSTATE)', withCode('write EPIPE', 'EPIPE')],
    [
      'node: dual-stack refusal',
      Object.assign(new AggregateError([withCode('x', 'ECONNREFUSED')]), { code: 'ECONNREFUSED' }),
    ],
    ['node: TLS certificate', withCode('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN')],
    ['postgres.js: closed', withCode('write CONNECTION_CLOSED 127.0.0.1:5432', 'CONNECTION_CLOSED')],
    ['postgres.js: destroyed', withCode('write CONNECTION_DESTROYED', 'CONNECTION_DESTROYED')],
    ['postgres.js: connect timeout', withCode('write CONNECT_TIMEOUT', 'CONNECT_TIMEOUT')],
    ['SQLSTATE 57P01 terminated by administrator', withCode('terminating connection', '57P01')],
    ['SQLSTATE 57014 statement_timeout', withCode('canceling statement due to statement timeout', '57014')],
    ['SQLSTATE 28P01 wrong password', withCode('password authentication failed', '28P01')],
    ['SQLSTATE 28000 no such role', withCode('role "x" does not exist', '28000')],
    ['SQLSTATE 08006 connection failure', withCode('connection failure', '08006')],
    ['SQLSTATE 53300 too many connections', withCode('too many connections', '53300')],
  ])('%s', (_label, error) => {
    const mapped = toTripSageError(error, 'trip')
    expect(mapped.code).toBe('unavailable')
    expect(JSON.stringify(mapped.toJSON())).not.toContain('127.0.0.1')
    expect(TripSageError.isInstance(toTripSageErrorIfDatabase(error))).toBe(true)
  })

  it('says why a call was cut short', () => {
    expect(toTripSageError(new CallCancelled('deadline')).details).toEqual({ reason: 'deadline' })
    expect(toTripSageError(new CallCancelled('aborted')).details).toEqual({ reason: 'aborted' })
  })

  it('keeps other failures as they were, and lets a transaction callback’s own errors pass', () => {
    expect(toTripSageError(withCode('duplicate', '23505')).code).toBe('conflict')
    expect(toTripSageError(new Error('something else')).code).toBe('internal')
    const own = new Error('payment declined')
    expect(toTripSageErrorIfDatabase(own)).toBe(own)
  })
})
