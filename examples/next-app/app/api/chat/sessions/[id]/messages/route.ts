import type { ChatMessageInput } from '@tripsage/core'
import { asUser, jsonBody } from '../../../../../../lib/respond'

type Context = { params: Promise<{ id: string }> }

/** The session's messages, oldest first. */
export function GET(_request: Request, { params }: Context) {
  return asUser('chat.history', async (me) =>
    Response.json(await me.chat.messages.history((await params).id, { order: 'oldest', limit: 100 })),
  )
}

/** Appends the user's message, then an assistant reply (this example has no model: it echoes). */
export function POST(request: Request, { params }: Context) {
  return asUser('chat.append', async (me) => {
    const { id } = await params
    const { content } = (await jsonBody(request)) as { content?: unknown }
    const messages: ChatMessageInput[] = [
      { role: 'user', content: String(content ?? '') },
      { role: 'assistant', content: `Noted: “${String(content ?? '')}”. (A model would answer here.)` },
    ]
    return Response.json(await me.chat.messages.append(id, messages), { status: 201 })
  })
}
