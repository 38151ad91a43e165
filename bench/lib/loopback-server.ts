/** Listening and closing for the bench's loopback TCP proxies. */
import { connect, type Server, type Socket } from 'node:net'

/** Starts `server` on an ephemeral port of 127.0.0.1 and returns the port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address !== 'object') throw new Error('proxy has no port')
  return address.port
}

/** Destroys every proxied socket, then closes the listener. */
export function closeServer(server: Server, sockets: Iterable<Socket>): Promise<void> {
  return new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy()
    server.close(() => resolve())
  })
}

/**
 * Opens `client`'s upstream connection to 127.0.0.1:`upstreamPort`, Nagle's algorithm off on both
 * (a database server sets TCP_NODELAY), both tracked in `sockets`. When either side closes or fails,
 * `onEnd` gets the function that destroys both and forgets them (it may run more than once).
 */
export function connectUpstream(
  client: Socket,
  upstreamPort: number,
  sockets: Set<Socket>,
  onEnd: (destroyBoth: () => void) => void,
): Socket {
  const upstream = connect(upstreamPort, '127.0.0.1')
  client.setNoDelay(true)
  upstream.setNoDelay(true)
  sockets.add(client)
  sockets.add(upstream)
  const destroyBoth = () => {
    client.destroy()
    upstream.destroy()
    sockets.delete(client)
    sockets.delete(upstream)
  }
  const end = () => onEnd(destroyBoth)
  client.on('close', end)
  upstream.on('close', end)
  client.on('error', end)
  upstream.on('error', end)
  return upstream
}
