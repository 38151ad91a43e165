/**
 * Shared plumbing of the route handlers: authenticate, rate-limit, run, and turn a
 * `TripSageError` into its HTTP status with a body that carries no row data.
 */
import type { UserClient } from '@tripsage/core'
import { errorResponse } from './error-response'
import { currentClaims } from './session'
import { getTripSage } from './tripsage'

export { errorResponse }

/** Runs `fn` as the signed-in user after counting the request against `rule`. */
export async function asUser(rule: string, fn: (me: UserClient) => Promise<Response>): Promise<Response> {
  try {
    const { tripsage, limiter } = await getTripSage()
    const claims = await currentClaims()
    if (!claims) return Response.json({ error: { code: 'unauthorized', message: 'Sign in first' } }, { status: 401 })
    const me = tripsage.forUser(claims)
    await limiter.enforce(rule, me.userId)
    return await fn(me)
  } catch (error) {
    return errorResponse(error)
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
