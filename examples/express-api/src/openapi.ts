/**
 * The OpenAPI 3.1 document of the API, generated from the route table: request bodies and query
 * parameters are the SDK's own zod schemas, converted with `z.toJSONSchema` (zod 4), so the
 * description cannot drift from what the SDK accepts.
 */
import { z } from 'zod'
import { statusOfCode } from './http-errors.js'
import type { JobRoute, Route } from './routes.js'

type JsonSchema = Record<string, unknown>

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), describing what clients send. */
function inputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema
  return rest
}

/** `/trips/:tripId` → `/trips/{tripId}`. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}')
}

/** Sent on 429 as on every other counted response (draft-ietf-httpapi-ratelimit-headers). */
const rateLimitHeaders = {
  'Retry-After': { schema: { type: 'integer' }, description: 'Seconds until the window resets' },
  'RateLimit-Limit': { schema: { type: 'integer' }, description: 'Requests allowed per window' },
  'RateLimit-Remaining': { schema: { type: 'integer' }, description: 'Requests left in the window (0 on 429)' },
  'RateLimit-Reset': { schema: { type: 'integer' }, description: 'Seconds until the window resets' },
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
})

function operation(route: Route) {
  const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string', format: 'uuid' },
  }))
  const query = route.query ? inputSchema(route.query) : null
  const queryParams = Object.entries((query?.properties as Record<string, JsonSchema> | undefined) ?? {}).map(
    ([name, schema]) => ({
      name,
      in: 'query',
      required: ((query?.required as string[] | undefined) ?? []).includes(name),
      schema,
      ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    }),
  )
  return {
    operationId: `${route.method}${openApiPath(route.path)
      .replace(/[{}]/g, '')
      .replace(/\/(\w)/g, (_m, c: string) => c.toUpperCase())}`,
    summary: route.summary,
    tags: [route.tag],
    'x-rate-limit-rule': route.rule,
    ...(route.auth ? { security: [{ bearer: [] }] } : { security: [] }),
    ...(pathParams.length + queryParams.length ? { parameters: [...pathParams, ...queryParams] } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: inputSchema(route.body) } } } }
      : {}),
    responses: {
      [route.success]:
        route.success === 204 ? { description: 'Done' } : { description: 'OK', content: { 'application/json': {} } },
      ...(route.body || route.query || pathParams.length
        ? { [statusOfCode.validation]: errorResponse('Invalid input') }
        : {}),
      ...(route.auth
        ? {
            [statusOfCode.unauthorized]: errorResponse(
              'No bearer token, or one that does not verify (code `unauthorized`)',
            ),
            [statusOfCode.forbidden]: errorResponse('Visible but not yours to change'),
            [statusOfCode.not_found]: errorResponse('Does not exist, or RLS hides it'),
          }
        : {}),
      [statusOfCode.rate_limited]: {
        ...errorResponse(`Rate limited (rule \`${route.rule}\`)`),
        headers: rateLimitHeaders,
      },
      [statusOfCode.unavailable]: errorResponse('A backing service is unavailable; retry later'),
    },
  }
}

function jobOperation(route: JobRoute) {
  return {
    operationId: `${route.method}${openApiPath(route.path).replace(/[-/](\w)/g, (_m, c: string) => c.toUpperCase())}`,
    summary: route.summary,
    description:
      'Called by QStash (or the embedded queue), not by clients: the `Upstash-Signature` JWT must cover this URL and the SHA-256 of the raw body.',
    tags: [route.tag],
    'x-rate-limit-rule': route.rule,
    security: [{ qstash: [] }],
    requestBody: { required: true, content: { 'application/json': { schema: inputSchema(route.body) } } },
    responses: {
      200: { description: 'Done, or a duplicate delivery already done', content: { 'application/json': {} } },
      [statusOfCode.unauthorized]: {
        description: 'Missing or invalid `Upstash-Signature` (code `unauthorized`)',
        content: { 'application/json': {} },
      },
      489: {
        description: 'Unusable payload; `Upstash-NonRetryable-Error: true` tells QStash not to retry',
        content: { 'application/json': {} },
      },
      [statusOfCode.rate_limited]: {
        ...errorResponse(`Rate limited (rule \`${route.rule}\`)`),
        headers: rateLimitHeaders,
      },
      [statusOfCode.unavailable]: { description: 'A backing service is unavailable; QStash retries' },
    },
  }
}

/** Builds the document for `routes` and the QStash `jobRoutes`. */
export function openApiDocument(routes: readonly Route[], jobRoutes: readonly JobRoute[] = []) {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    const path = openApiPath(route.path)
    paths[path] = { ...paths[path], [route.method]: operation(route) }
  }
  for (const route of jobRoutes) {
    const path = openApiPath(route.path)
    paths[path] = { ...paths[path], [route.method]: jobOperation(route) }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'TripSage example API',
      version: '0.0.0',
      description:
        'The TripSage SDK over HTTP. Every route is rate limited; user routes run as the signed-in user, so Postgres RLS decides what they see.',
    },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'Supabase access token (JWT)' },
        qstash: {
          type: 'apiKey',
          in: 'header',
          name: 'Upstash-Signature',
          description: 'HS256 JWT signed with the QStash signing keys',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: Object.keys(statusOfCode) },
                message: { type: 'string' },
                details: { type: 'object' },
              },
            },
          },
        },
      },
    },
  }
}
