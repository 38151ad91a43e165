import type { CreateChatSessionInput } from '@tripsage/core'
import { asUser, jsonBody } from '../../../../lib/respond'

/** Starts a chat session, optionally on a trip. */
export function POST(request: Request) {
  return asUser('chat.sessions', async (me) =>
    Response.json(await me.chat.sessions.create((await jsonBody(request)) as CreateChatSessionInput), { status: 201 }),
  )
}
