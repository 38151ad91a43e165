/**
 * A loopback proxy that gives each client connection PGlite's one backend session for a whole
 * protocol exchange. pglite-socket (0.2.x) multiplexes every connection onto that session and
 * keeps a connection's messages together only while a transaction is open, so two clients' extended
 * protocol batches (Parse, Bind, Execute, Sync) interleave: one client's Parse replaces the other's
 * unnamed statement between its Parse and its Bind ("bind message supplies 150 parameters, but
 * prepared statement "" requires 1"; electric-sql/pglite#1046, open). A real server has a backend
 * per connection, so this is the bench harness's problem, not the libraries'.
 *
 * A client takes the session when it sends and gives it back when every Sync or Query it sent has
 * been answered by ReadyForQuery and the session is idle (status `I`): inside a transaction, or with
 * a pipelined answer still due, it keeps it. The others' bytes wait in order. Nothing is rewritten.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { closeServer, connectUpstream, listenOnLoopback } from './loopback-server.js'

/** A running proxy. */
export interface ExclusiveSessionsProxy {
  /** Port on 127.0.0.1 to connect to instead of the upstream. */
  readonly port: number
  /** Closes the listener and every proxied connection. */
  close(): Promise<void>
}

/** Frontend messages that the backend answers with one ReadyForQuery each. */
const SYNC = 0x53 // 'S'
const QUERY = 0x51 // 'Q'
const TERMINATE = 0x58 // 'X'
/** Backend ReadyForQuery: 'Z', length 5, one status byte. */
const READY_FOR_QUERY = 0x5a
const IDLE = 0x49 // 'I'
const SSL_REQUEST_CODE = 80877103

/**
 * Finds message boundaries in a byte stream (type byte + int32 length that counts itself) without
 * buffering bodies: a 50-row INSERT is ~750 kB, and only a message's first bytes matter here.
 */
class MessageScanner {
  /** The current message's header and first body bytes, gathered so far. */
  private head = Buffer.alloc(0)
  /** Body bytes of the current message still to pass over. */
  private skip = 0
  /** @param untyped - messages still due without a type byte (the startup packet) */
  constructor(private untyped: number) {}

  /** Feeds bytes; calls `onMessage(type, peek)` per message: type -1 if untyped, peek = ≤ 4 body bytes. */
  push(chunk: Buffer, onMessage: (type: number, peek: Buffer) => void): void {
    let at = 0
    for (;;) {
      if (this.skip > 0) {
        if (at >= chunk.length) return
        const n = Math.min(this.skip, chunk.length - at)
        at += n
        this.skip -= n
        continue
      }
      const typed = this.untyped === 0
      const headerLength = typed ? 5 : 4
      let need = headerLength
      if (this.head.length >= headerLength) need += Math.min(4, this.head.readInt32BE(typed ? 1 : 0) - 4)
      if (this.head.length < need) {
        if (at >= chunk.length) return
        const n = Math.min(need - this.head.length, chunk.length - at)
        this.head = Buffer.concat([this.head, chunk.subarray(at, at + n)])
        at += n
        continue
      }
      const bodyLength = this.head.readInt32BE(typed ? 1 : 0) - 4
      onMessage(typed ? this.head[0]! : -1, this.head.subarray(headerLength))
      this.skip = bodyLength - (this.head.length - headerLength)
      this.head = Buffer.alloc(0)
      if (!typed) this.untyped--
    }
  }

  /** One more untyped message is due (the startup packet after an SSLRequest). */
  expectUntyped(): void {
    this.untyped++
  }
}

/**
 * Starts the proxy in front of `upstreamPort` (pglite-socket's port).
 *
 * @param upstreamPort - the socket server's port on 127.0.0.1
 */
export async function startExclusiveSessionsProxy(upstreamPort: number): Promise<ExclusiveSessionsProxy> {
  const sockets = new Set<Socket>()
  /** The connection holding the session, and the ones waiting for it, in order. */
  let holder: Connection | null = null
  const waiting: Connection[] = []

  interface Connection {
    /** Bytes received while another connection held the session. */
    held: Buffer[]
    /** Syncs and Queries forwarded and not yet answered (the startup packet counts as one). */
    due: number
    /** The session's status in the last ReadyForQuery. */
    idle: boolean
    forward(chunk: Buffer): void
  }

  const handOn = () => {
    while (holder === null && waiting.length > 0) {
      const next = waiting.shift()!
      holder = next
      const chunks = next.held
      next.held = []
      for (const chunk of chunks) next.forward(chunk)
    }
  }
  const release = (connection: Connection) => {
    if (holder === connection) holder = null
    const at = waiting.indexOf(connection)
    if (at >= 0) waiting.splice(at, 1)
    handOn()
  }

  const server: Server = createServer((client) => {
    const upstream = connectUpstream(client, upstreamPort, sockets, (destroyBoth) => {
      destroyBoth()
      release(connection)
    })
    const fromClient = new MessageScanner(1)
    const fromServer = new MessageScanner(0)
    /** After an SSLRequest the server answers one byte ('N') outside the message format. */
    let sslAnswerDue = false
    const connection: Connection = {
      held: [],
      due: 0,
      idle: true,
      forward(chunk) {
        fromClient.push(chunk, (type, body) => {
          if (type === -1) {
            if (body.length >= 4 && body.readInt32BE(0) === SSL_REQUEST_CODE) {
              sslAnswerDue = true
              fromClient.expectUntyped()
            } else connection.due++
          } else if (type === SYNC || type === QUERY) connection.due++
          else if (type === TERMINATE) connection.due = 0
        })
        if (upstream.writable) upstream.write(chunk)
      },
    }
    client.on('data', (chunk) => {
      if (holder === connection) connection.forward(chunk)
      else {
        connection.held.push(chunk)
        if (!waiting.includes(connection)) waiting.push(connection)
        handOn()
      }
    })
    upstream.on('data', (chunk) => {
      let rest = chunk
      if (sslAnswerDue && rest.length > 0) {
        sslAnswerDue = false
        rest = rest.subarray(1)
      }
      fromServer.push(rest, (type, body) => {
        if (type !== READY_FOR_QUERY) return
        connection.due = Math.max(0, connection.due - 1)
        connection.idle = body[0] === IDLE
      })
      if (client.writable) client.write(chunk)
      if (holder === connection && connection.due === 0 && connection.idle) release(connection)
    })
  })
  const port = await listenOnLoopback(server)
  return {
    port,
    close: () => closeServer(server, sockets),
  }
}
