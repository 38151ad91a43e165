/**
 * `@tripsage/jobs/node` — serve a job handler with Node's plain `http` module.
 *
 * @packageDocumentation
 */
import type { JobHandler } from '../handler.js'
import { type NodeRequestLike, type NodeResponseLike, sendWebResponse, toWebRequest } from './node-http.js'

export type { NodeRequestLike, NodeResponseLike }

/**
 * A `(req, res)` listener for `http.createServer`. Typed by the slices of `IncomingMessage` and
 * `ServerResponse` it uses, so the package's types need no `@types/node`.
 */
export type NodeJobListener = (req: NodeRequestLike, res: NodeResponseLike) => Promise<void>

/**
 * Adapts a job handler (`Request → Response`) to Node's `http` module. The body is streamed to
 * the handler untouched (the signature covers the raw bytes). An exception (a bug) answers 500.
 *
 * @example
 * import { createServer } from 'node:http'
 * import { toNodeListener } from '@tripsage/jobs/node'
 * createServer(toNodeListener(createMemorySyncHandler({ … }))).listen(3000)
 */
export function toNodeListener(handler: JobHandler): NodeJobListener {
  return async (req, res) => {
    let response: Response
    try {
      response = await handler(toWebRequest(req))
    } catch {
      response = Response.json({ error: { code: 'internal', message: 'The job handler failed' } }, { status: 500 })
    }
    await sendWebResponse(res, response)
  }
}
