/**
 * The chat route `useChat` talks to: `{ id: sessionId, messages }` in, a UI message stream out.
 * Recall (hybrid search) for the new message goes out first as a `data-recalled` part; the reply
 * quotes it (this route has no model); `onFinish` saves the conversation with
 * `me.chat.messages.saveUIMessages` — an upsert by message id, so `useChat` re-sending the whole
 * history changes nothing — and the memory-sync job of the new messages joins the same
 * transaction (outbox).
 */
import { addMemorySyncToOutbox, relayOutbox } from '@tripsage/jobs'
import { createUIMessageStream, createUIMessageStreamResponse, type UIMessage } from 'ai'
import { asUser, jsonBody, refuse } from '../../../lib/respond'
import { getTripSage } from '../../../lib/tripsage'
import { recall } from './recall'

const textOf = (message: UIMessage | undefined) =>
  (message?.parts ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('')

export function POST(request: Request) {
  return asUser('chat.append', async (me) => {
    const { id: sessionId, messages } = (await jsonBody(request)) as { id?: string; messages?: UIMessage[] }
    const last = messages?.at(-1)
    if (typeof sessionId !== 'string' || !Array.isArray(messages) || last?.role !== 'user') {
      return refuse('Invalid chat request: send { id, messages } ending with a user message', 'messages')
    }
    // Whitespace is not a message: refused here as in the page, before anything is saved.
    const text = textOf(last).trim()
    if (!text) return refuse('Invalid chat message: the message must not be empty', 'messages')
    await me.chat.sessions.get(sessionId) // not_found before streaming anything
    const recalled = await recall(me, text)
    const reply = recalled.length
      ? `From what you told me before: “${recalled[0]?.content}”. (A model would answer here.)`
      : 'Noted. (A model would answer here.)'

    const stream = createUIMessageStream({
      originalMessages: messages,
      execute: ({ writer }) => {
        writer.write({ type: 'data-recalled', data: { items: recalled } })
        writer.write({ type: 'text-start', id: 'reply' })
        writer.write({ type: 'text-delta', id: 'reply', delta: reply })
        writer.write({ type: 'text-end', id: 'reply' })
      },
      onFinish: async ({ messages: all }) => {
        await me.transaction(async (tx) => {
          const result = await tx.chat.messages.saveUIMessages(sessionId, all)
          const ids = result.inserted.map((m) => m.messageId)
          if (ids.length) await addMemorySyncToOutbox(tx.db, { sessionId, messageIds: ids })
        })
        const { tripsage, memorySync } = await getTripSage()
        await relayOutbox({
          tripsage,
          publisher: memorySync.publisher,
          destinations: { 'memory-sync': memorySync.url },
        })
          .then(() => memorySync.queue?.drain())
          .catch(() => undefined)
      },
    })
    return createUIMessageStreamResponse({ stream })
  })
}
