/**
 * `@tripsage/jobs/express` — mount a job handler on an Express 5 app or router.
 *
 * @packageDocumentation
 */
import type { Request as ExpressRequest, Response as ExpressResponse, NextFunction } from 'express'
import type { JobHandler } from '../handler.js'
import { sendWebResponse, toWebRequest } from './node-http.js'

/** An Express request handler. */
export type ExpressJobHandler = (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => Promise<void>

/**
 * Adapts a job handler (`Request → Response`) to Express. The signature covers the raw body, so
 * mount the route **before** `express.json()` (the adapter then streams the body itself), or give
 * it `express.raw({ type: '*\/*' })` / `express.text()`: a `Buffer` or string body is used as is.
 * A body that a JSON parser already turned into an object cannot be verified and is passed to
 * `next(error)`.
 *
 * @example
 * import { toExpressHandler } from '@tripsage/jobs/express'
 * app.post('/api/jobs/memory-sync', toExpressHandler(createMemorySyncHandler({ … })))
 */
export function toExpressHandler(handler: JobHandler): ExpressJobHandler {
  return async (req, res, next) => {
    try {
      const body: unknown = req.body
      let raw: Uint8Array | string | undefined
      if (typeof body === 'string' || body instanceof Uint8Array) raw = body
      else if (body !== undefined && body !== null && req.readableEnded) {
        throw new TypeError(
          'The request body was already parsed: mount the job route before express.json(), or use express.raw()',
        )
      }
      await sendWebResponse(res, await handler(toWebRequest(req, raw)))
    } catch (error) {
      next(error)
    }
  }
}
