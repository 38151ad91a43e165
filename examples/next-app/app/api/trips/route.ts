import type { CreateTripInput } from '@tripsage/core'
import { asUser, jsonBody } from '../../../lib/respond'

/** The user's trips (owned or shared), newest first. */
export function GET() {
  return asUser('trips.read', async (me) => Response.json(await me.trips.list({ limit: 50 })))
}

/** Creates a trip; the SDK parses the body with `CreateTripInput`. */
export function POST(request: Request) {
  return asUser('trips.create', async (me) =>
    Response.json(await me.trips.create((await jsonBody(request)) as CreateTripInput), { status: 201 }),
  )
}
