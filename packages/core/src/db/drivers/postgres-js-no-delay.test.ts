import postgres from 'postgres'
import { describe, expect, it } from 'vitest'
import { sendPostgresJsWritesAtOnce } from './postgres-js-no-delay.js'

/**
 * A postgres.js instance; it connects only on its first query, which these tests never send.
 * `socket` is a postgres.js option its type declarations leave out.
 */
const instance = (url: string, options: { path?: string; socket?: unknown } = {}) =>
  postgres(url, options as postgres.Options<Record<string, never>>)

/** The instance's `socket` option. */
const socketOf = (sql: { options: object }) => (sql.options as { socket?: unknown }).socket

describe('sendPostgresJsWritesAtOnce', () => {
  it('gives an instance with one TCP host a socket factory', () => {
    const sql = instance('postgres://u@127.0.0.1:6543/db')
    expect(sendPostgresJsWritesAtOnce(sql)).toBe(true)
    expect(typeof socketOf(sql)).toBe('function')
  })

  it('leaves a caller socket, a Unix socket path and several hosts to postgres.js', () => {
    const own = () => undefined as never
    const withSocket = instance('postgres://u@127.0.0.1:6543/db', { socket: own })
    expect(sendPostgresJsWritesAtOnce(withSocket)).toBe(false)
    expect(socketOf(withSocket)).toBe(own)
    const unix = instance('postgres://u@127.0.0.1:6543/db', { path: '/var/run/postgresql/.s.PGSQL.5432' })
    expect(sendPostgresJsWritesAtOnce(unix)).toBe(false)
    expect(socketOf(unix)).toBeUndefined()
    const hosts = instance('postgres://u@10.0.0.1:5432,10.0.0.2:5432/db')
    expect(sendPostgresJsWritesAtOnce(hosts)).toBe(false)
    expect(socketOf(hosts)).toBeUndefined()
  })

  it('leaves an object without postgres.js options alone', () => {
    expect(sendPostgresJsWritesAtOnce({})).toBe(false)
  })
})
