import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy on loopback between a driver and PostgreSQL that counts round trips and injects
 * network faults. Test support: counting, never timing.
 */
export interface FaultProxy {
  /** The port it listens on (127.0.0.1). */
  readonly port: number
  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string
  /**
   * Client flights since the last {@link FaultProxy.resetCount}: bursts of client bytes, each
   * starting after the client had received an answer. One flight = one round trip. Answers reach
   * the client a few milliseconds late (a network's latency), so bytes a driver writes without
   * waiting — in the same tick or the next — are never mistaken for a new round trip.
   */
  flights(): number
  /** Starts counting from zero. */
  resetCount(): void
  /** Stops forwarding in both directions without closing anything (packets dropped, no reset). */
  blackhole(on: boolean): void
  /** Resets every open connection (TCP RST). */
  resetConnections(): void
  /** While on, every new connection is reset at once (a refused or failing connect). */
  refuse(on: boolean): void
  /**
   * Resets each of the next `count` new connections when its client sends its first message
   * after the startup message: a connection that dies right after its handshake (for
   * postgres.js, during its startup type lookup).
   */
  failAfterHandshake(count: number): void
  /** Connections reset by {@link FaultProxy.failAfterHandshake} so far. */
  handshakeFailures(): number
  /** Connections currently open through the proxy. */
  openConnections(): number
  /** Closes the proxy and every connection. */
  close(): Promise<void>
}

/**
 * Starts a {@link FaultProxy} in front of the server on `targetPort`.
 *
 * @param targetPort - the server's port on 127.0.0.1
 * @param latencyMs - how late answers reach the client (default 5 ms)
 */
export async function startFaultProxy(targetPort: number, latencyMs = 5): Promise<FaultProxy> {
  const pairs = new Set<{ client: Socket; server: Socket }>()
  let flights = 0
  /** True once an answer was delivered to the client since its last bytes. */
  let clientReceived = true
  let blackholed = false
  let refusing = false
  let failAfterHandshake = 0
  let handshakeFailures = 0
  const server: Server = createServer((client) => {
    if (refusing) {
      client.resetAndDestroy()
      return
    }
    const upstream = connect(targetPort, '127.0.0.1')
    const pair = { client, server: upstream }
    let failing = failAfterHandshake > 0
    if (failing) failAfterHandshake--
    let clientMessages = 0
    pairs.add(pair)
    const end = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
    client.on('data', (chunk) => {
      if (blackholed) return
      clientMessages++
      if (failing && clientMessages === 2) {
        failing = false
        handshakeFailures++
        client.resetAndDestroy()
        upstream.destroy()
        return
      }
      if (clientReceived) {
        flights++
        clientReceived = false
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk) => {
      if (blackholed) return
      // Timers of equal delay fire in order, so the byte stream keeps its order.
      setTimeout(() => {
        if (blackholed || client.destroyed) return
        clientReceived = true
        client.write(chunk)
      }, latencyMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    port,
    urlFor: (url) => {
      const parsed = new URL(url)
      parsed.hostname = '127.0.0.1'
      parsed.port = String(port)
      return parsed.toString()
    },
    flights: () => flights,
    resetCount: () => {
      flights = 0
      clientReceived = true
    },
    blackhole: (on) => {
      blackholed = on
    },
    resetConnections: () => {
      for (const pair of pairs) {
        pair.client.resetAndDestroy()
        pair.server.destroy()
      }
      pairs.clear()
    },
    refuse: (on) => {
      refusing = on
    },
    failAfterHandshake: (count) => {
      failAfterHandshake = count
    },
    handshakeFailures: () => handshakeFailures,
    openConnections: () => pairs.size,
    close: async () => {
      for (const pair of pairs) {
        pair.client.destroy()
        pair.server.destroy()
      }
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
