/**
 * The Express 5 app: the route table behind authentication and a rate limit, the embedded
 * storage's signed URLs under `/storage`, and the OpenAPI document at `/openapi.json`.
 */
import { TripSageError, UnauthorizedError, type UserClient, ValidationError } from '@tripsage/core'
import { toExpressHandler } from '@tripsage/jobs/express'
import express, { type Request, type Response } from 'express'
import { consoleLog, type ErrorResult, errorResponse, type ServerLog } from './http-errors.js'
import { openApiDocument } from './openapi.js'
import { type JobRoute, jobRoutes, type Route, routes } from './routes.js'
import type { Services } from './services.js'

/** Options of {@link createApp}. */
export interface AppOptions {
  /** Where unexpected failures are logged (default: stderr). Clients only ever get a reference. */
  log?: ServerLog
}

function send(res: Response, result: { status: number; body?: unknown; retryAfter?: number }) {
  if (result.retryAfter !== undefined) res.setHeader('Retry-After', String(result.retryAfter))
  if (result.status === 204 || result.body === undefined) res.status(result.status).end()
  else res.status(result.status).json(result.body)
}

/** `RateLimit-*` headers (draft-ietf-httpapi-ratelimit-headers): the same on 2xx, 4xx and 429. */
function setRateLimitHeaders(res: Response, limit: unknown, remaining: unknown, reset: unknown) {
  if (typeof limit !== 'number' || typeof remaining !== 'number') return
  res.setHeader('RateLimit-Limit', String(limit))
  res.setHeader('RateLimit-Remaining', String(Math.max(0, remaining)))
  // `reset` is epoch ms; 0 when the limiter could not be reached (a fail-open rule let it through).
  if (typeof reset === 'number' && reset > 0) {
    res.setHeader('RateLimit-Reset', String(Math.max(0, Math.ceil((reset - Date.now()) / 1000))))
  }
}

/**
 * Counts the request against `rule` for the user (or the client IP) and sets the RateLimit
 * headers — also when the limit is hit, so a 429 says as much as a 200. Every request that
 * reaches a route counts, valid or not (docs/decisions/0012-examples-invalid-requests-count.md).
 */
async function limit(services: Services, rule: string, req: Request, res: Response, userId: string | null) {
  try {
    const result = await services.limiter.enforce(rule, { userId, ip: req.ip ?? null })
    setRateLimitHeaders(res, result.limit, result.remaining, result.reset)
  } catch (error) {
    if (TripSageError.isInstance(error) && error.code === 'rate_limited') {
      setRateLimitHeaders(res, error.details?.limit, 0, error.details?.reset)
    }
    throw error
  }
}

/** The caller's client: claims that do not make a valid user are a bad token, not bad input. */
function userFor(services: Services, claims: Parameters<Services['tripsage']['forUser']>[0]): UserClient {
  try {
    return services.tripsage.forUser(claims)
  } catch (error) {
    if (TripSageError.isInstance(error) && error.code === 'validation') {
      throw new UnauthorizedError('The bearer token does not carry valid user claims', { cause: error })
    }
    throw error
  }
}

const unauthorized = (message: string): ErrorResult => ({
  status: 401,
  body: { error: { code: 'unauthorized', message } },
})

function mount(app: express.Express, services: Services, route: Route, log: ServerLog) {
  app[route.method](route.path, async (req, res) => {
    try {
      const authorization = req.get('authorization')
      const claims = route.auth ? await services.authenticate(authorization) : null
      if (route.auth && !claims) {
        // Counted per IP: a bad token never spends a real user's allowance.
        await limit(services, route.rule, req, res, null)
        res.setHeader('WWW-Authenticate', 'Bearer')
        return send(
          res,
          unauthorized(
            authorization
              ? 'The bearer token is not valid; sign in again'
              : 'Sign in first: send Authorization: Bearer <token>',
          ),
        )
      }
      // forUser validates the claims (a UUID `sub`, role `authenticated`) before anything runs.
      const me = claims ? userFor(services, claims) : null
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
      if (TripSageError.isInstance(error) && error.code === 'unauthorized') res.setHeader('WWW-Authenticate', 'Bearer')
      send(res, errorResponse(error, { method: req.method, route: route.path }, log))
    }
  })
}

/**
 * A job route: rate limited per client IP, then the job handler through `@tripsage/jobs/express`,
 * which reads the raw body itself — so it is mounted before `express.json()`.
 */
function mountJob(app: express.Express, services: Services, route: JobRoute, log: ServerLog) {
  const handler = toExpressHandler(route.handler(services))
  app[route.method](
    route.path,
    async (req, res, next) => {
      try {
        await limit(services, route.rule, req, res, null)
        next()
      } catch (error) {
        send(res, errorResponse(error, { method: req.method, route: route.path }, log))
      }
    },
    handler,
  )
}

/** What a body-parser failure means, in words (its own message may quote the body). */
function bodyParserMessage(error: { type?: unknown; status?: number }): string {
  switch (error.type) {
    case 'entity.parse.failed':
      return 'The request body is not valid JSON'
    case 'entity.too.large':
      return 'The request body is too large'
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return 'The request body uses an unsupported encoding'
    default:
      return 'The request body could not be read'
  }
}

/** Builds the app over `services`. */
export function createApp(services: Services, options: AppOptions = {}): express.Express {
  const log = options.log ?? consoleLog
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
        send(res, errorResponse(error, { method: req.method, route: '/storage/{*object}' }, log))
      }
    })
  }

  // Before the JSON parser: the job handler verifies the signature over the raw bytes.
  for (const route of jobRoutes) mountJob(app, services, route, log)

  app.use(express.json({ limit: '1mb' }))
  const document = openApiDocument(routes, jobRoutes)
  app.get('/openapi.json', async (req, res) => {
    try {
      await limit(services, 'api.public', req, res, null)
      res.json(document)
    } catch (error) {
      send(res, errorResponse(error, { method: req.method, route: '/openapi.json' }, log))
    }
  })
  for (const route of routes) mount(app, services, route, log)

  // Unknown routes and unreadable bodies count against the per-IP public rule, like every request.
  app.use(async (req: Request, res: Response) => {
    try {
      await limit(services, 'api.public', req, res, null)
      send(res, { status: 404, body: { error: { code: 'not_found', message: 'No such route; see /openapi.json' } } })
    } catch (error) {
      send(res, errorResponse(error, { method: req.method, route: '(unknown)' }, log))
    }
  })
  app.use(
    async (error: { status?: number; type?: unknown }, req: Request, res: Response, _next: express.NextFunction) => {
      const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : null
      const route = req.path
      try {
        if (status === null) throw error
        await limit(services, 'api.public', req, res, null)
        const refused = errorResponse(new ValidationError(bodyParserMessage(error)), { method: req.method, route }, log)
        send(res, { ...refused, status })
      } catch (failure) {
        if (!res.headersSent) send(res, errorResponse(failure, { method: req.method, route }, log))
      }
    },
  )
  return app
}
