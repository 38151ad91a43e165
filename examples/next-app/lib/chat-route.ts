/**
 * The AI chat route as a `Request → Response` factory, so the route file is a thin adapter and a
 * test can call the handlers directly. POST takes what `useChat` sends (`{ id, messages }`, `id`
 * being a chat session id), saves the history, streams the model's answer with the TripSage agent
 * tools, and on finish saves the answer and queues its memory sync in the same transaction
 * (the outbox). GET returns a session's messages as AI SDK `UIMessage`s for `useChat`.
 */
import { type UserClient, ValidationError } from '@tripsage/core'
import { type TripSageTools, tripSageTools } from '@tripsage/core/ai-sdk'
import { addMemorySyncToOutbox } from '@tripsage/jobs'
import {
  convertToModelMessages,
  createIdGenerator,
  type InferUITools,
  type LanguageModel,
  safeValidateUIMessages,
  stepCountIs,
  streamText,
  type UIMessage,
} from 'ai'

/** The messages of this chat: AI SDK `UIMessage`s with the TripSage tools. */
export type ChatUIMessage = UIMessage<unknown, never, InferUITools<TripSageTools>>

/** What the chat route needs from the app. */
export interface ChatRouteDeps {
  /** Runs `fn` as the signed-in user under a rate-limit rule; turns a thrown `TripSageError` into its HTTP response. */
  asUser(rule: string, fn: (me: UserClient) => Promise<Response>): Promise<Response>
  /** The language model (a real provider, or the offline agent). */
  model(): Promise<LanguageModel>
  /** Publishes the outbox after a commit (the memory-sync jobs); failures stay in the outbox for the next relay. */
  relay?(): Promise<void>
  /** Reports a failure that happens after the response has started (saving the answer). */
  onBackgroundError?(error: unknown): void
}

/** How many model steps (tool round trips) one turn may take. */
const maxSteps = 5

const generateMessageId = createIdGenerator({ prefix: 'msg', size: 16 })

/** What the user told us before that bears on `text`, for the system prompt. */
async function recall(me: UserClient, text: string): Promise<string[]> {
  if (!text.trim()) return []
  const hits = await me.memory.hybridSearch({ query: text.slice(0, 2000), limit: 3 })
  return [...new Set(hits.map((hit) => hit.content))]
}

function systemPrompt(memories: readonly string[]): string {
  const known = memories.length ? `\nWhat you know about the user:\n${memories.map((m) => `- ${m}`).join('\n')}` : ''
  return `You are a travel-planning assistant. Use the tools to read the user's trips and memories and to add itinerary items; remember lasting preferences with addMemory.${known}`
}

function lastUserText(messages: readonly ChatUIMessage[]): string {
  const user = [...messages].reverse().find((m) => m.role === 'user')
  return (user?.parts ?? []).map((part) => (part.type === 'text' ? part.text : '')).join(' ')
}

/** Saves messages and queues their memory sync in one transaction; the row ids it touched. */
async function saveAndQueue(me: UserClient, sessionId: string, messages: readonly ChatUIMessage[]): Promise<number> {
  return me.transaction(async (tx) => {
    const saved = await tx.chat.messages.saveUIMessages(sessionId, messages)
    const messageIds = [...saved.inserted, ...saved.updated].map((m) => m.messageId)
    if (messageIds.length > 0) await addMemorySyncToOutbox(tx.db, { sessionId, messageIds })
    return messageIds.length
  })
}

/** The POST and GET handlers of /api/chat. */
export function createChatRoute(deps: ChatRouteDeps) {
  return {
    /** `useChat`'s request: `{ id: sessionId, messages }` → a UI message stream. */
    POST(request: Request): Promise<Response> {
      return deps.asUser('chat.append', async (me) => {
        const body = (await request.json().catch(() => null)) as { id?: unknown; messages?: unknown } | null
        const sessionId = typeof body?.id === 'string' ? body.id : ''
        const tools = tripSageTools(me)
        const checked = await safeValidateUIMessages<ChatUIMessage>({ messages: body?.messages, tools })
        if (!checked.success) {
          throw new ValidationError('Invalid chat messages', {
            details: { issues: [{ path: 'messages', message: 'not AI SDK UI messages of this chat' }] },
          })
        }
        const messages = checked.data
        // Whitespace is not a message: refused before anything is saved (the page refuses it too).
        if (messages.at(-1)?.role === 'user' && !lastUserText(messages).trim()) {
          throw new ValidationError('Invalid chat message: the message must not be empty', {
            details: { issues: [{ path: 'messages', message: 'the message must not be empty' }] },
          })
        }
        // The user's message is stored before the model runs: a failed stream loses no input.
        if ((await saveAndQueue(me, sessionId, messages)) > 0) await deps.relay?.()
        const memories = await recall(me, lastUserText(messages))
        const result = streamText({
          model: await deps.model(),
          system: systemPrompt(memories),
          messages: await convertToModelMessages(messages, { tools }),
          tools,
          stopWhen: stepCountIs(maxSteps),
        })
        // Run to the end even if the client goes away, so onFinish still saves the answer.
        void result.consumeStream()
        return result.toUIMessageStreamResponse({
          originalMessages: messages,
          generateMessageId,
          onFinish: async ({ messages: all }) => {
            try {
              if ((await saveAndQueue(me, sessionId, all as ChatUIMessage[])) > 0) await deps.relay?.()
            } catch (error) {
              deps.onBackgroundError?.(error)
            }
          },
          onError: (error) => {
            deps.onBackgroundError?.(error)
            return 'The assistant failed to answer.'
          },
        })
      })
    },

    /** `?id=<sessionId>[&before=<messageId>][&limit=n]` → `{ messages: UIMessage[] }`, oldest first. */
    GET(request: Request): Promise<Response> {
      return deps.asUser('chat.history', async (me) => {
        const url = new URL(request.url)
        const limit = url.searchParams.get('limit')
        const before = url.searchParams.get('before')
        const messages = await me.chat.messages.loadUIMessages<ChatUIMessage>(url.searchParams.get('id') ?? '', {
          ...(before ? { before } : {}),
          ...(limit ? { limit: Number(limit) } : {}),
        })
        return Response.json({ messages })
      })
    },
  }
}
