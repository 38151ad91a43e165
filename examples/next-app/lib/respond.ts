/**
 * Shared plumbing of the route handlers: authenticate, rate-limit, run, and turn what was thrown
 * into a response (`errorResponse`, in `./error-response`).
 */
import type { UserClient } from '@tripsage/core'
import { errorResponse } from './error-response'
import { currentClaims } from './session'
import { getTripSage } from './tripsage'

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

export { errorResponse }
