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
  /**
   * While on, new connections do not see the server's startup `in_hot_standby` and
   * `default_transaction_read_only` (renamed in their ParameterStatus messages), as behind a
   * pooler that forwards only a few parameters (PgBouncer); a client with `target_session_attrs`
   * then asks for them (postgres.js: its session-state query).
   */
  hideSessionState(on: boolean): void
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
  let hidingSessionState = false
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
    const hiding = hidingSessionState
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
    upstream.on('data', (data: Buffer) => {
      if (blackholed) return
      // Before the client's first query, the server sends only the handshake: no row data to hit.
      const chunk = hiding && clientMessages < 2 ? hideStartupParameters(data) : data
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
    hideSessionState: (on) => {
      hidingSessionState = on
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

/** The startup parameters {@link FaultProxy.hideSessionState} hides, each with its same-length rename. */
const sessionStateParameters = ['in_hot_standby', 'default_transaction_read_only'].map((name) => [
  Buffer.from(`${name}\0`),
  Buffer.from(`x${name.slice(1)}\0`),
])

function hideStartupParameters(data: Buffer): Buffer {
  const out = Buffer.from(data)
  for (const [name, rename] of sessionStateParameters) {
    for (let at = out.indexOf(name!); at >= 0; at = out.indexOf(name!, at + 1)) rename!.copy(out, at)
  }
  return out
}
