/**
 * Shared plumbing of the route handlers: authenticate, rate-limit, run, and turn what was thrown
 * into a response. A `TripSageError` the client can act on becomes its status and `toJSON()` (no
 * row data, no secrets); anything else is logged here, on the server, under a reference that the
 * client gets with a generic sentence — never the original message.
 */
import { TripSageError, type TripSageErrorCode, type UserClient } from '@tripsage/core'
import { currentClaims } from './session'
import { getTripSage } from './tripsage'

const statusOfCode: Record<TripSageErrorCode, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
}

/** Where the server reports what the client must not see (stderr; swap in your logger). */
function logServerError(message: string, context: Record<string, unknown>, error: unknown): void {
  console.error(`[next-app] ${message}`, context, error)
}

/** A JSON error response for anything thrown; `where` names the route for the server log. */
export function errorResponse(error: unknown, where = 'route'): Response {
  if (!TripSageError.isInstance(error) || error.code === 'internal') {
    const reference = crypto.randomUUID()
    logServerError('unexpected error', { where, reference }, error)
    return Response.json(
      {
        error: {
          code: 'internal',
          message: 'Something went wrong on our side. Quote the reference if you report it.',
          reference,
        },
      },
      { status: 500 },
    )
  }
  if (error.code === 'unavailable') logServerError('dependency unavailable', { where }, error)
  const retry = error.details?.retryAfterSeconds
  return Response.json(
    { error: error.toJSON() },
    { status: statusOfCode[error.code], headers: typeof retry === 'number' ? { 'Retry-After': String(retry) } : {} },
  )
}

/** A `validation` error response built here (e.g. a whitespace-only chat message). */
export function refuse(message: string, path: string): Response {
  return Response.json(
    { error: { code: 'validation', message, details: { issues: [{ path, code: 'custom', message }] } } },
    { status: 400 },
  )
}

/** The 401 of a route that needs a signed-in user. */
export function signInFirst(): Response {
  return Response.json({ error: { code: 'unauthorized', message: 'Sign in first' } }, { status: 401 })
}

/** Runs `fn` as the signed-in user after counting the request against `rule`. */
export async function asUser(rule: string, fn: (me: UserClient) => Promise<Response>, where = rule): Promise<Response> {
  try {
    const { tripsage, limiter } = await getTripSage()
    const claims = await currentClaims()
    if (!claims) return signInFirst()
    const me = tripsage.forUser(claims)
    await limiter.enforce(rule, me.userId)
    return await fn(me)
  } catch (error) {
    return errorResponse(error, where)
  }
}

/** Reads a JSON body; a malformed one becomes an empty object, which the SDK then refuses. */
export async function jsonBody(request: Request): Promise<unknown> {
  try {
    return await request.json()
  } catch {
    return {}
  }
}
