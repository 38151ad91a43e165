import type { AddItineraryItemInput } from '@tripsage/core'
import { asUser, jsonBody } from '../../../../../lib/respond'

type Context = { params: Promise<{ id: string }> }

/** The trip's itinerary, by date and time. */
export function GET(_request: Request, { params }: Context) {
  return asUser('trips.read', async (me) => Response.json({ items: await me.itinerary.listByTrip((await params).id) }))
}

/** Adds an itinerary item (owner, admin or editor; RLS decides). */
export function POST(request: Request, { params }: Context) {
  return asUser('trips.create', async (me) =>
    Response.json(await me.itinerary.add((await params).id, (await jsonBody(request)) as AddItineraryItemInput), {
      status: 201,
    }),
  )
}
