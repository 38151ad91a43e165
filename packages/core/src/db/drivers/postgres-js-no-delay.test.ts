import postgres from 'postgres'
import { describe, expect, it } from 'vitest'
import { sendPostgresJsWritesAtOnce } from './postgres-js-no-delay.js'

/** A postgres.js instance; it connects only on its first query, which these tests never send. */
const instance = (url: string, options: postgres.Options<Record<string, never>> = {}) => postgres(url, options)

describe('sendPostgresJsWritesAtOnce', () => {
  it('gives an instance with one TCP host a socket factory', () => {
    const sql = instance('postgres://u@127.0.0.1:6543/db')
    expect(sendPostgresJsWritesAtOnce(sql)).toBe(true)
    expect(typeof sql.options.socket).toBe('function')
  })

  it('leaves a caller socket, a Unix socket path and several hosts to postgres.js', () => {
    const own = () => undefined as never
    const withSocket = instance('postgres://u@127.0.0.1:6543/db', { socket: own })
    expect(sendPostgresJsWritesAtOnce(withSocket)).toBe(false)
    expect(withSocket.options.socket).toBe(own)
    const unix = instance('postgres://u@127.0.0.1:6543/db', { path: '/var/run/postgresql/.s.PGSQL.5432' })
    expect(sendPostgresJsWritesAtOnce(unix)).toBe(false)
    expect(unix.options.socket).toBeUndefined()
    const hosts = instance('postgres://u@10.0.0.1:5432,10.0.0.2:5432/db')
    expect(sendPostgresJsWritesAtOnce(hosts)).toBe(false)
    expect(hosts.options.socket).toBeUndefined()
  })

  it('leaves an object without postgres.js options alone', () => {
    expect(sendPostgresJsWritesAtOnce({})).toBe(false)
  })
})
