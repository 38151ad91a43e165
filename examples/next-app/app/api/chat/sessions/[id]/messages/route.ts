import type { ChatMessageInput, UserClient } from '@tripsage/core'
import { addMemorySyncToOutbox, relayOutbox } from '@tripsage/jobs'
import { asUser, jsonBody } from '../../../../../../lib/respond'
import { getTripSage } from '../../../../../../lib/tripsage'

type Context = { params: Promise<{ id: string }> }

/** A recalled memory as the page shows it. */
type Recalled = { id: string; content: string; type: string | null }

/** The session's messages, oldest first. */
export function GET(_request: Request, { params }: Context) {
  return asUser('chat.history', async (me) =>
    Response.json(await me.chat.messages.history((await params).id, { order: 'oldest', limit: 100 })),
  )
}

/** What the user told us before that bears on `text`: hybrid recall (full text + vector), one hit per text. */
async function recall(me: UserClient, text: string): Promise<Recalled[]> {
  const hits = await me.memory.hybridSearch({ query: text, limit: 5 })
  const seen = new Set<string>()
  return hits
    .filter((hit) => !seen.has(hit.content) && seen.add(hit.content))
    .slice(0, 3)
    .map(({ id, content, type }) => ({ id, content, type }))
}

/**
 * Appends the user's message and an assistant reply (this example has no model: the reply quotes
 * what it recalled). Recall runs before the new message is synced, so it shows what was known
 * already. The messages and their memory-sync job commit in one transaction (the outbox); the
 * relay then publishes the job to /api/jobs/memory-sync.
 */
export function POST(request: Request, { params }: Context) {
  return asUser('chat.append', async (me) => {
    const { id } = await params
    const { content } = (await jsonBody(request)) as { content?: unknown }
    const text = String(content ?? '')
    const recalled = text.trim() ? await recall(me, text) : []
    const reply = recalled.length
      ? `From what you told me before: “${recalled[0]?.content}”. (A model would answer here.)`
      : 'Noted. (A model would answer here.)'
    const messages: ChatMessageInput[] = [
      { role: 'user', content: text },
      { role: 'assistant', content: reply },
    ]
    const saved = await me.transaction(async (tx) => {
      const rows = await tx.chat.messages.append(id, messages)
      await addMemorySyncToOutbox(tx.db, { sessionId: id, messageIds: rows.map((m) => m.id) })
      return rows
    })
    const { tripsage, memorySync } = await getTripSage()
    // A failed publish leaves the row in the outbox for the next relay (run one on a cron too).
    await relayOutbox({ tripsage, publisher: memorySync.publisher, destinations: { 'memory-sync': memorySync.url } })
      .then(() => memorySync.queue?.drain()) // embedded: recall sees this message on the next turn
      .catch(() => undefined)
    return Response.json({ messages: saved, recalled }, { status: 201 })
  })
}
