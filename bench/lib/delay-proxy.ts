/**
 * A loopback TCP proxy that delays every chunk by `delayMs` in each direction (so a round trip
 * costs ≥ 2 × delayMs, like a nearby database over a network) and counts round trips: a round
 * trip starts each time the client sends after the server last spoke (or first). Chunks keep their
 * order: Node fires timers of equal duration first-in, first-out.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { closeServer, connectUpstream, listenOnLoopback } from './loopback-server.js'

/** A running proxy. */
export interface DelayProxy {
  /** Port on 127.0.0.1 to connect to instead of the upstream. */
  readonly port: number
  /** Round trips since start or the last {@link DelayProxy.reset}, over every connection. */
  roundTrips(): number
  /** Bytes sent client → server and server → client since the last reset. */
  bytes(): { toServer: number; toClient: number }
  /** Zeroes the counters. */
  reset(): void
  /** Closes the listener and every proxied connection. */
  close(): Promise<void>
}

/**
 * Starts a delaying, counting proxy in front of `upstreamPort`.
 *
 * @param upstreamPort - the server's port on 127.0.0.1
 * @param delayMs - one-way delay added to every chunk (0 = none, still counted)
 */
export async function startDelayProxy(upstreamPort: number, delayMs: number): Promise<DelayProxy> {
  let roundTrips = 0
  let toServer = 0
  let toClient = 0
  const sockets = new Set<Socket>()
  const forward = (target: Socket, chunk: Buffer) => {
    if (delayMs > 0) setTimeout(() => target.writable && target.write(chunk), delayMs)
    else if (target.writable) target.write(chunk)
  }
  const server: Server = createServer((client) => {
    // Let chunks still waiting on their delay go out before both ends close.
    const upstream = connectUpstream(client, upstreamPort, sockets, (destroyBoth) =>
      setTimeout(destroyBoth, delayMs + 1),
    )
    let serverSpokeLast = true
    client.on('data', (chunk) => {
      if (serverSpokeLast) roundTrips++
      serverSpokeLast = false
      toServer += chunk.length
      forward(upstream, chunk)
    })
    upstream.on('data', (chunk) => {
      serverSpokeLast = true
      toClient += chunk.length
      forward(client, chunk)
    })
  })
  const port = await listenOnLoopback(server)
  return {
    port,
    roundTrips: () => roundTrips,
    bytes: () => ({ toServer, toClient }),
    reset: () => {
      roundTrips = 0
      toServer = 0
      toClient = 0
    },
    close: () => closeServer(server, sockets),
  }
}
