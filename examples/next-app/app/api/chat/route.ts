import { relayOutbox } from '@tripsage/jobs'
import { chatModel } from '../../../lib/chat-model'
import { createChatRoute } from '../../../lib/chat-route'
import { asUser } from '../../../lib/respond'
import { getTripSage } from '../../../lib/tripsage'

/**
 * The AI chat: POST is `useChat`'s endpoint (stream the answer with the TripSage agent tools,
 * persist the conversation as UI messages), GET `?id=<sessionId>` loads a session's UI messages.
 */
const route = createChatRoute({
  asUser,
  model: chatModel,
  relay: async () => {
    const { tripsage, memorySync } = await getTripSage()
    // A failed publish leaves the row in the outbox for the next relay (run one on a cron too).
    await relayOutbox({ tripsage, publisher: memorySync.publisher, destinations: { 'memory-sync': memorySync.url } })
      .then(() => memorySync.queue?.drain())
      .catch(() => undefined)
  },
  // No message text or row data: the error's name and code only.
  onBackgroundError: (error) =>
    console.error('chat: saving the answer failed', (error as { code?: string }).code ?? (error as Error).name),
})

export const POST = route.POST
export const GET = route.GET
