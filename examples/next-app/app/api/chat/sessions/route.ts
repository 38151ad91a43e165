import type { CreateChatSessionInput } from '@tripsage/core'
import { asUser, jsonBody } from '../../../../lib/respond'

/** The sessions on a trip (`?tripId=`), newest first: the page reopens the latest after a reload. */
export function GET(request: Request) {
  const tripId = new URL(request.url).searchParams.get('tripId')
  return asUser('chat.sessions', async (me) =>
    Response.json(await me.chat.sessions.list({ ...(tripId ? { tripId } : {}), limit: 5 })),
  )
}

/** Starts a chat session, optionally on a trip. */
export function POST(request: Request) {
  return asUser('chat.sessions', async (me) =>
    Response.json(await me.chat.sessions.create((await jsonBody(request)) as CreateChatSessionInput), { status: 201 }),
  )
}
