/**
 * TCP_NODELAY for postgres.js. postgres.js writes a query as soon as its buffered bytes reach
 * 1 kB, so a pipelined `commit` behind a statement of 1 kB or more (a batch of chat messages, a
 * 1 536-float vector as text) leaves in a second, small write. Nagle's algorithm holds that write
 * until the server acknowledges the first, and the server acknowledges with its answer: one more
 * round trip. `pg` turns Nagle off on its sockets; postgres.js 3.4 does not and offers no option,
 * only its `socket` hook, which this module fills (see docs/decisions/0007).
 */

/** The parsed postgres.js options read and set here (`sql.options`). */
interface PostgresJsConnectOptions {
  /** A caller's own socket factory; left alone when set. */
  socket?: unknown
  /** The server hosts (one unless a multi-host URL was given). */
  host?: readonly string[]
  /** Their ports. */
  port?: readonly number[]
  /** A Unix-domain socket path (no Nagle there). */
  path?: unknown
}

/** The slice of a Node-compatible `net.Socket` used here. */
interface NodeSocket {
  connect(options: { host: string; port: number; noDelay: boolean }): unknown
  setNoDelay(noDelay: boolean): unknown
  once(event: 'connect', listener: () => void): unknown
}

/** Whether the host has Node's `net` (Node, Bun, Deno) and postgres.js runs its Node build. */
function hasNodeNet(): boolean {
  const host = globalThis as { process?: { versions?: { node?: unknown } }; Cloudflare?: unknown }
  // postgres.js's workerd build detects Cloudflare the same way; it has its own sockets.
  return typeof host.process?.versions?.node === 'string' && host.Cloudflare === undefined
}

/**
 * Makes the connections a postgres.js instance opens from now on send every write at once
 * (TCP_NODELAY), through its `socket` option: a socket connecting to the instance's one host,
 * returned before it is connected so that postgres.js's own `connect_timeout`, error and close
 * handling apply as for its default socket. Does nothing, and returns false, when the instance
 * has its own `socket`, a Unix socket `path`, several hosts (postgres.js rotates them itself), or
 * the host has no Node `net` (workerd runs postgres.js's own socket build).
 *
 * @param sql - the postgres.js instance (`postgres(url, options)`), before its first query
 */
export function sendPostgresJsWritesAtOnce(sql: { readonly options?: object }): boolean {
  const options = sql.options as PostgresJsConnectOptions | undefined
  if (!options || options.socket !== undefined || options.path || !hasNodeNet()) return false
  const [host, ...otherHosts] = options.host ?? []
  const port = options.port?.[0]
  if (host === undefined || otherHosts.length > 0 || typeof port !== 'number') return false
  const net = import('node:net')
  // Settled here too, so a host without the module never reports an unhandled rejection.
  net.catch(() => undefined)
  options.socket = async () => {
    const { Socket } = await net
    const socket = new Socket() as unknown as NodeSocket & { host?: string; port?: number }
    // postgres.js names the host in errors and TLS's server name from these, as for its own socket.
    socket.host = host
    socket.port = port
    socket.once('connect', () => socket.setNoDelay(true))
    socket.connect({ host, port, noDelay: true })
    return socket
  }
  return true
}
