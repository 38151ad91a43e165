import { asUser } from '../../../../../../lib/respond'

type Context = { params: Promise<{ id: string }> }

/**
 * The session's newest messages as AI SDK `UIMessage`s, in conversation order (they pass
 * `validateUIMessages`): what `useChat` starts from after a reload.
 */
export function GET(_request: Request, { params }: Context) {
  return asUser('chat.history', async (me) =>
    Response.json({ messages: await me.chat.messages.loadUIMessages((await params).id, { limit: 100 }) }),
  )
}
