/**
 * The slice of Node's `http.IncomingMessage` the adapters read (an Express request is one too).
 * Structural, so the published types need no `@types/node`.
 */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  /** The HTTP method. */
  readonly method?: string | undefined
  /** The path and query, e.g. `/api/jobs/memory-sync`. */
  readonly url?: string | undefined
  /** Lower-cased header names. */
  readonly headers: Record<string, string | string[] | undefined>
  /** The socket; a TLS socket has `encrypted: true`. */
  readonly socket?: object | null | undefined
}

/** The slice of Node's `http.ServerResponse` the adapters write. */
export interface NodeResponseLike {
  /** The status to send. */
  statusCode: number
  /** Sets one response header. */
  setHeader(name: string, value: string): unknown
  /** Sends the body (if any) and ends the response. */
  end(chunk?: Uint8Array): unknown
}

/**
 * A Web `Request` from a Node request. The URL is rebuilt from `Host` and the protocol (`https`
 * when the socket is TLS or `X-Forwarded-Proto` says so) — pass the handler's `url` option when
 * the public URL differs. `body` replaces the stream when a framework already read it.
 */
export function toWebRequest(req: NodeRequestLike, body?: Uint8Array | string): Request {
  const forwarded = req.headers['x-forwarded-proto']
  const proto =
    (typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined) ??
    ((req.socket as { encrypted?: boolean } | null | undefined)?.encrypted ? 'https' : 'http')
  const host = typeof req.headers.host === 'string' ? req.headers.host : 'localhost'
  const url = new URL(req.url ?? '/', `${proto}://${host}`)
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
      init.body = streamOf(req)
      init.duplex = 'half'
    }
  }
  return new Request(url, init)
}

/** The request body as a Web stream, read lazily from the request's async iterator. */
function streamOf(source: AsyncIterable<Uint8Array | string>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]()
  const encoder = new TextEncoder()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next()
      if (done) controller.close()
      else controller.enqueue(typeof value === 'string' ? encoder.encode(value) : new Uint8Array(value))
    },
    async cancel() {
      await iterator.return?.()
    },
  })
}

/** Writes a Web `Response` to a Node response. */
export async function sendWebResponse(res: NodeResponseLike, response: Response): Promise<void> {
  res.statusCode = response.status
  response.headers.forEach((value, name) => {
    res.setHeader(name, value)
  })
  const bytes = response.body ? new Uint8Array(await response.arrayBuffer()) : undefined
  res.end(bytes)
}
