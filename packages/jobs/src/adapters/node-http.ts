import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'

/**
 * A Web `Request` from a Node request. The URL is rebuilt from `Host` and the protocol (`https`
 * when the socket is TLS or `X-Forwarded-Proto` says so) — pass the handler's `url` option when
 * the public URL differs. `body` replaces the stream when a framework already read it.
 */
export function toWebRequest(req: IncomingMessage, body?: Uint8Array | string): Request {
  const forwarded = req.headers['x-forwarded-proto']
  const proto =
    (typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined) ??
    ((req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http')
  const url = new URL(req.url ?? '/', `${proto}://${req.headers.host ?? 'localhost'}`)
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
  }
  const method = req.method ?? 'GET'
  const init: RequestInit & { duplex?: 'half' } = { method, headers }
  if (method !== 'GET' && method !== 'HEAD') {
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : new Uint8Array(body)
    } else {
      init.body = Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>
      init.duplex = 'half'
    }
  }
  return new Request(url, init)
}

/** Writes a Web `Response` to a Node response. */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status
  response.headers.forEach((value, name) => {
    res.setHeader(name, value)
  })
  const bytes = response.body ? new Uint8Array(await response.arrayBuffer()) : undefined
  res.end(bytes)
}
