/**
 * The networked setup shared by the overhead and peer suites: an embedded (migrated) PGlite served
 * over the Postgres wire protocol by `@electric-sql/pglite-socket`, a delaying proxy in front of it,
 * and `pg` pools + Kysely instances that connect through the proxy, as an app server would. Clients
 * that share the database over several connections at once go through the exclusive-sessions
 * proxy instead (`sessionUrl`; see `exclusive-sessions.ts`).
 */
import type { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import type { TripSageDatabase } from '@tripsage/core'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { type DelayProxy, startDelayProxy } from './delay-proxy.js'
import { type ExclusiveSessionsProxy, startExclusiveSessionsProxy } from './exclusive-sessions.js'

/** A PGlite served on a loopback port, with a delaying proxy in front. */
export interface SocketDatabase {
  readonly server: PGLiteSocketServer
  /** The socket server's own port (no delay). */
  readonly directPort: number
  readonly proxy: DelayProxy
  /** A connection string through the proxy. */
  readonly url: string
  /** A connection string straight to the socket server. */
  readonly directUrl: string
  /**
   * A connection string through the exclusive-sessions proxy (no delay): each connection keeps
   * PGlite's one session for a whole protocol exchange, as a backend of its own would.
   */
  readonly sessionUrl: string
  /**
   * A `pg` pool + Kysely over the proxy. `pipeline` turns on pg's pipeline mode (queries are sent
   * without waiting for the previous answer).
   */
  kysely(options?: { max?: number; pipeline?: boolean; direct?: boolean; sessions?: boolean }): {
    db: Kysely<TripSageDatabase>
    pool: pg.Pool
  }
  close(): Promise<void>
}

/**
 * Serves `pglite` over TCP (maxConnections ≥ 2: pools and LangChain hold more than one) and starts
 * a proxy adding `delayMs` each way.
 */
export async function serveOverSocket(
  pglite: PGlite,
  options: { delayMs?: number; maxConnections?: number } = {},
): Promise<SocketDatabase> {
  const server = new PGLiteSocketServer({
    db: pglite,
    port: 0,
    host: '127.0.0.1',
    maxConnections: options.maxConnections ?? 16,
  })
  await server.start()
  // pglite-socket leaves Nagle's algorithm on; its replies go out in several writes, so each
  // reply would wait for the client's delayed ACK (tens of ms). A database server sets TCP_NODELAY.
  ;(server as unknown as { server: import('node:net').Server }).server.on('connection', (socket) =>
    socket.setNoDelay(true),
  )
  const conn = server.getServerConn()
  const directPort = Number(conn.split(':').at(-1))
  const proxy = await startDelayProxy(directPort, options.delayMs ?? 1)
  const sessions: ExclusiveSessionsProxy = await startExclusiveSessionsProxy(directPort)
  const pools: pg.Pool[] = []
  const url = `postgres://postgres:postgres@127.0.0.1:${proxy.port}/postgres?sslmode=disable`
  const directUrl = `postgres://postgres:postgres@127.0.0.1:${directPort}/postgres?sslmode=disable`
  const sessionUrl = `postgres://postgres:postgres@127.0.0.1:${sessions.port}/postgres?sslmode=disable`
  return {
    server,
    directPort,
    proxy,
    url,
    directUrl,
    sessionUrl,
    kysely(kOptions = {}) {
      const pool = new pg.Pool({
        connectionString: kOptions.sessions ? sessionUrl : kOptions.direct ? directUrl : url,
        max: kOptions.max ?? 2,
        ...(kOptions.pipeline ? { pipeline: true } : {}),
      } as pg.PoolConfig)
      pools.push(pool)
      return { db: new Kysely<TripSageDatabase>({ dialect: new PostgresDialect({ pool }) }), pool }
    },
    async close() {
      for (const pool of pools) await pool.end().catch(() => undefined)
      await proxy.close()
      await sessions.close()
      await server.stop()
    },
  }
}
