import { describe, expect, it } from 'vitest'
import { startRedisServer } from './redis-server.js'
import { RespConnection } from './resp.js'

describe('startRedisServer', () => {
  it('runs redis-server on loopback without persistence, and stops it', async () => {
    const server = await startRedisServer()
    const connection = await RespConnection.open(server.port)
    const replies = await connection.send([
      ['CONFIG', 'GET', 'save'],
      ['CONFIG', 'GET', 'appendonly'],
      ['CONFIG', 'GET', 'bind'],
    ])
    expect(replies.map((r) => (r as Buffer[]).map(String))).toEqual([
      ['save', ''],
      ['appendonly', 'no'],
      ['bind', '127.0.0.1'],
    ])
    connection.close()
    await server.stop()
    await server.stop() // idempotent
    await expect(RespConnection.open(server.port)).rejects.toThrow(/ECONNREFUSED/)
  })

  // Parallel test files pick free ports at the same time: a server that lost its port must fail
  // (or move), never hand out another server's port, whose keys the caller would then share.
  it('does not take another server on its port for its own', async () => {
    const first = await startRedisServer()
    try {
      await expect(startRedisServer({ port: first.port })).rejects.toThrow(/did not start on port/)
    } finally {
      await first.stop()
    }
  })

  it('names the apt package when redis-server is missing', async () => {
    await expect(startRedisServer({ bin: 'redis-server-that-does-not-exist' })).rejects.toThrow(
      /install the Debian package `redis-server`/,
    )
  })
})
