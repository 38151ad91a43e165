import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A loopback `node:http` server in front of a Fetch handler (test support, not published). */
export interface FetchServer {
  readonly url: string
  close(): Promise<void>
}

/**
 * Serves `handler` on 127.0.0.1. `handler` is read on every request, so it may be set after the
 * URL is known (a storage's `baseUrl` needs the port).
 */
export async function serveFetch(handler: () => (request: Request) => Promise<Response>): Promise<FetchServer> {
  let origin = ''
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const headers = new Headers()
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(key, value)
    }
    const method = req.method ?? 'GET'
    const request = new Request(`${origin}${req.url ?? '/'}`, {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
    })
    try {
      const response = await handler()(request)
      res.writeHead(response.status, Object.fromEntries(response.headers))
      res.end(Buffer.from(await response.arrayBuffer()))
    } catch {
      res.writeHead(500)
      res.end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
