import { createTripSage, localEmbedder, type TripSage, type UserClient } from '@tripsage/core'
import { tripSageTools } from '@tripsage/core/ai-sdk'
import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import { readUIMessageStream, type UIMessageChunk, validateUIMessages } from 'ai'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { offlineAgentModel } from '../lib/chat-model.js'
import { type ChatUIMessage, createChatRoute } from '../lib/chat-route.js'
import { errorResponse } from '../lib/error-response.js'

// The /api/chat handlers called with a Request, on PGlite with every migration: the offline agent
// (the AI SDK mock model) calls a TripSage tool and answers; the stream is read like useChat reads
// it, the session reloaded through GET, and the result checked by the AI SDK's validateUIMessages.

let database: TestDatabase
let tripsage: TripSage
let owner: TestUser
let stranger: TestUser
let sessionId: string
const background: unknown[] = []

/** The route as a given user, with the offline agent. */
function routeAs(user: TestUser) {
  return createChatRoute({
    asUser: async (_rule, fn: (me: UserClient) => Promise<Response>) => {
      try {
        return await fn(tripsage.forUser(user.claims))
      } catch (error) {
        return errorResponse(error)
      }
    },
    model: async () => offlineAgentModel(),
    onBackgroundError: (error) => background.push(error),
  })
}

/** The UI message chunks of an SSE response (`data: {...}` lines, up to `[DONE]`). */
async function chunksOf(response: Response): Promise<UIMessageChunk[]> {
  const text = await response.text()
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice('data: '.length)) as UIMessageChunk)
}

/** The assistant message the chunks build, as useChat builds it. */
async function streamedMessage(chunks: UIMessageChunk[]): Promise<ChatUIMessage> {
  let message: ChatUIMessage | undefined
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk)
      controller.close()
    },
  })
  for await (const state of readUIMessageStream<ChatUIMessage>({ stream })) message = state
  if (!message) throw new Error('the stream built no message')
  return message
}

function post(user: TestUser, body: unknown): Promise<Response> {
  return routeAs(user).POST(
    new Request('http://127.0.0.1/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  )
}

async function reload(user: TestUser, id = sessionId): Promise<Response> {
  return routeAs(user).GET(new Request(`http://127.0.0.1/api/chat?id=${id}`))
}

beforeAll(async () => {
  database = await createTestDatabase()
  tripsage = createTripSage({ db: database.db, embedder: localEmbedder() })
  owner = await createTestUser(database.db)
  stranger = await createTestUser(database.db)
  const me = tripsage.forUser(owner.claims)
  await me.trips.create({
    name: 'Kyoto in spring',
    destination: 'Kyoto, JP',
    startDate: '2027-04-01',
    endDate: '2027-04-09',
  })
  await me.memory.add({ content: 'I prefer ryokan stays over hotels' })
  sessionId = (await me.chat.sessions.create({ title: 'Planning' })).id
}, 600_000)

afterAll(() => database.close())

describe('/api/chat (offline agent, PGlite)', () => {
  const question: ChatUIMessage = { id: 'u-1', role: 'user', parts: [{ type: 'text', text: 'Which trips do I have?' }] }
  let firstAnswer: ChatUIMessage

  it('streams a tool-using answer, persists it, and GET reloads what useChat built', async () => {
    const response = await post(owner, { id: sessionId, messages: [question], trigger: 'submit-message' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    firstAnswer = await streamedMessage(await chunksOf(response))

    expect(firstAnswer.role).toBe('assistant')
    const toolPart = firstAnswer.parts.find((part) => part.type === 'tool-listTrips')
    expect(toolPart).toMatchObject({ state: 'output-available', output: { trips: [{ name: 'Kyoto in spring' }] } })
    const text = firstAnswer.parts.filter((part) => part.type === 'text').map((part) => part.text)
    expect(text.join('')).toBe('You have 1 trip: Kyoto in spring (Kyoto, JP, 2027-04-01 to 2027-04-09).')

    const reloaded = await reload(owner)
    expect(reloaded.status).toBe(200)
    const { messages } = (await reloaded.json()) as { messages: ChatUIMessage[] }
    expect(messages).toEqual(JSON.parse(JSON.stringify([question, firstAnswer])))
    await validateUIMessages({ messages, tools: tripSageTools(tripsage.forUser(owner.claims)) })

    // The tool call is recorded, and the new messages' memory sync is in the outbox.
    const calls = await database.db
      .selectFrom('chat_tool_calls')
      .select(['tool_name', 'status', 'provider_executed'])
      .where('session_id', '=', sessionId)
      .execute()
    expect(calls).toEqual([{ tool_name: 'listTrips', status: 'completed', provider_executed: false }])
    const outbox = await sql<{ n: number }>`
      select count(*)::int as n from private.job_outbox
       where job = 'memory-sync' and dedup_key like ${`memory-sync:${sessionId}:%`}
    `.execute(database.db)
    // One job for the question (saved before the model ran), one for the answer.
    expect(outbox.rows[0]?.n).toBe(2)
    expect(background).toEqual([])
  })

  it('a second turn re-sends the history: the first turn is unchanged, the new one appended', async () => {
    const next: ChatUIMessage = { id: 'u-2', role: 'user', parts: [{ type: 'text', text: 'Where do I like to stay?' }] }
    const response = await post(owner, { id: sessionId, messages: [question, firstAnswer, next] })
    const answer = await streamedMessage(await chunksOf(response))
    expect(answer.parts.find((part) => part.type === 'tool-searchMemories')).toMatchObject({
      state: 'output-available',
    })
    expect(answer.parts.filter((p) => p.type === 'text').map((p) => p.text)).toEqual([
      'From what you told me before: “I prefer ryokan stays over hotels”.',
    ])
    const { messages } = (await (await reload(owner)).json()) as { messages: ChatUIMessage[] }
    expect(messages.map((m) => m.id)).toEqual(['u-1', firstAnswer.id, 'u-2', answer.id])
    expect(messages.slice(0, 2)).toEqual(JSON.parse(JSON.stringify([question, firstAnswer])))
    await validateUIMessages({ messages, tools: tripSageTools(tripsage.forUser(owner.claims)) })
  })

  it('refuses what is not a UI message history (400 validation) and writes nothing', async () => {
    const before = await database.db
      .selectFrom('chat_messages')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow()
    for (const body of [
      { id: sessionId, messages: [{ id: 'x', role: 'user', parts: [{ type: 'bogus' }] }] },
      { id: sessionId, messages: [] },
      { id: sessionId },
      'not json',
      // Whitespace only is not a message (the page refuses it as well).
      { id: sessionId, messages: [{ id: 'blank', role: 'user', parts: [{ type: 'text', text: ' \n\t ' }] }] },
    ]) {
      const response = await post(owner, body)
      expect(response.status).toBe(400)
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('validation')
    }
    const after = await database.db
      .selectFrom('chat_messages')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow()
    expect(after.n).toBe(before.n)
  })

  it('another user can neither read nor write the session (404, no row data in the body)', async () => {
    const read = await reload(stranger)
    expect(read.status).toBe(404)
    const write = await post(stranger, { id: sessionId, messages: [question] })
    expect(write.status).toBe(404)
    expect(await write.text()).not.toContain('Kyoto')
  })
})
