/**
 * The Express 5 app: the route table behind authentication and a rate limit, the embedded
 * storage's signed URLs under `/storage`, and the OpenAPI document at `/openapi.json`.
 */
import { toExpressHandler } from '@tripsage/jobs/express'
import express, { type Request, type Response } from 'express'
import { errorResponse } from './http-errors.js'
import { openApiDocument } from './openapi.js'
import { type JobRoute, jobRoutes, type Route, routes } from './routes.js'
import type { Services } from './services.js'

function send(res: Response, result: { status: number; body?: unknown; retryAfter?: number }) {
  if (result.retryAfter !== undefined) res.setHeader('Retry-After', String(result.retryAfter))
  if (result.status === 204 || result.body === undefined) res.status(result.status).end()
  else res.status(result.status).json(result.body)
}

/** Counts the request against `rule` for the user (or the client IP) and sets the RateLimit headers. */
async function limit(services: Services, rule: string, req: Request, res: Response, userId: string | null) {
  const result = await services.limiter.enforce(rule, { userId, ip: req.ip ?? null })
  res.setHeader('RateLimit-Limit', String(result.limit))
  res.setHeader('RateLimit-Remaining', String(result.remaining))
}

function mount(app: express.Express, services: Services, route: Route) {
  app[route.method](route.path, async (req, res) => {
    try {
      const claims = route.auth ? await services.authenticate(req.get('authorization')) : null
      if (route.auth && !claims) {
        await limit(services, route.rule, req, res, null)
        res.setHeader('WWW-Authenticate', 'Bearer')
        return send(res, { status: 401, body: { error: { code: 'unauthorized', message: 'Sign in first' } } })
      }
      // forUser validates the claims (a UUID `sub`, role `authenticated`) before anything runs.
      const me = claims ? services.tripsage.forUser(claims) : null
      await limit(services, route.rule, req, res, me?.userId ?? null)
      const result = await route.handler({
        me,
        params: req.params as Record<string, string>,
        query: req.query as Record<string, unknown>,
        body: req.body,
        services,
      })
      send(res, result)
    } catch (error) {
      send(res, errorResponse(error))
    }
  })
}

/**
 * A job route: rate limited per client IP, then the job handler through `@tripsage/jobs/express`,
 * which reads the raw body itself — so it is mounted before `express.json()`.
 */
function mountJob(app: express.Express, services: Services, route: JobRoute) {
  const handler = toExpressHandler(route.handler(services))
  app[route.method](
    route.path,
    async (req, res, next) => {
      try {
        await limit(services, route.rule, req, res, null)
        next()
      } catch (error) {
        send(res, errorResponse(error))
      }
    },
    handler,
  )
}

/** Builds the app over `services`. */
export function createApp(services: Services): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('query parser', 'simple')

  // Embedded storage: signed upload (PUT) and download (GET) URLs point here. The signature in the
  // URL is the authorization; the handler verifies it, the size and the Content-Type.
  const { fileStorage, storageBaseUrl } = services
  if (fileStorage && storageBaseUrl) {
    app.all('/storage/{*object}', express.raw({ type: () => true, limit: '11mb' }), async (req, res) => {
      try {
        await limit(services, 'storage.serve', req, res, null)
        const url = `${storageBaseUrl}${req.originalUrl.slice('/storage'.length)}`
        const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && Buffer.isBuffer(req.body)
        const headers = new Headers()
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value)
        const response = await fileStorage.handle(
          new Request(url, { method: req.method, headers, ...(hasBody ? { body: new Uint8Array(req.body) } : {}) }),
        )
        res.status(response.status)
        response.headers.forEach((value, name) => {
          res.setHeader(name, value)
        })
        res.end(Buffer.from(await response.arrayBuffer()))
      } catch (error) {
        send(res, errorResponse(error))
      }
    })
  }

  // Before the JSON parser: the job handler verifies the signature over the raw bytes.
  for (const route of jobRoutes) mountJob(app, services, route)

  app.use(express.json({ limit: '1mb' }))
  const document = openApiDocument(routes, jobRoutes)
  app.get('/openapi.json', async (req, res) => {
    try {
      await limit(services, 'api.public', req, res, null)
      res.json(document)
    } catch (error) {
      send(res, errorResponse(error))
    }
  })
  for (const route of routes) mount(app, services, route)

  app.use((_req: Request, res: Response) =>
    send(res, { status: 404, body: { error: { code: 'not_found', message: 'No such route' } } }),
  )
  // Malformed JSON and other body-parser failures.
  app.use((error: { status?: number }, _req: Request, res: Response, _next: express.NextFunction) => {
    const status = typeof error.status === 'number' && error.status < 500 ? error.status : 500
    send(res, { status, body: { error: { code: status === 500 ? 'internal' : 'validation', message: 'Bad request' } } })
  })
  return app
}
