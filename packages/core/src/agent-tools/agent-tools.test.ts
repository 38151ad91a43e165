import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import {
  createUIMessageStream,
  generateText,
  readUIMessageStream,
  stepCountIs,
  streamText,
  type UIMessage,
  validateUIMessages,
} from 'ai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type TripSage } from '../client.js'
import { localEmbedder } from '../embeddings/local-embedder.js'
import { NotFoundError } from '../errors.js'
import { type AgentToolsClient, tripSageTools } from './index.js'
import { scriptedModel } from './scripted-model.test-support.js'

let database: TestDatabase
let tripsage: TripSage
let owner: TestUser
let stranger: TestUser
let tripId: string

beforeAll(async () => {
  database = await createTestDatabase()
  tripsage = createTripSage({ db: database.db, embedder: localEmbedder() })
  owner = await createTestUser(database.db)
  stranger = await createTestUser(database.db)
  const trip = await tripsage.forUser(owner.claims).trips.create({
    name: 'Secret honeymoon',
    destination: 'Kyoto, JP',
    startDate: '2027-04-01',
    endDate: '2027-04-09',
  })
  tripId = trip.id
}, 120_000)

afterAll(() => database.close())

/** The tool results and tool errors of every step, in order. */
function toolOutcomes(steps: readonly { content: readonly { type: string }[] }[]) {
  return steps.flatMap((step) =>
    step.content
      .filter((part) => part.type === 'tool-result' || part.type === 'tool-error')
      .map((part) => part as { type: string; toolName: string; output?: unknown; error?: unknown }),
  )
}

describe('agent tools under the mock model (generateText, real tool calls on PGlite)', () => {
  it('remember, search, list, get and plan as the user', async () => {
    const me = tripsage.forUser(owner.claims)
    const model = scriptedModel([
      {
        calls: [
          { toolName: 'addMemory', input: { content: 'I always want a window seat', importance: 0.8 } },
          { toolName: 'listTrips', input: {} },
        ],
      },
      {
        calls: [
          { toolName: 'searchMemories', input: { query: 'window seat' } },
          {
            toolName: 'addItineraryItem',
            input: { tripId, title: 'Fushimi Inari at dawn', itemType: 'activity', day: '2027-04-02' },
          },
        ],
      },
      { calls: [{ toolName: 'getTrip', input: { tripId } }] },
      { text: 'Booked your dawn walk; window seat noted.' },
    ])
    const result = await generateText({
      model,
      tools: tripSageTools(me),
      stopWhen: stepCountIs(6),
      prompt: 'Plan my Kyoto trip; I like window seats.',
    })

    expect(result.text).toBe('Booked your dawn walk; window seat noted.')
    const outcomes = toolOutcomes(result.steps)
    expect(outcomes.map((o) => [o.type, o.toolName])).toEqual([
      ['tool-result', 'addMemory'],
      ['tool-result', 'listTrips'],
      ['tool-result', 'searchMemories'],
      ['tool-result', 'addItineraryItem'],
      ['tool-result', 'getTrip'],
    ])
    const [added, listed, searched, item, got] = outcomes.map((o) => o.output) as [
      { memory: { id: string; content: string } },
      { trips: { id: string }[] },
      { memories: { id: string }[] },
      { item: { id: string; tripId: string } },
      { trip: { id: string; itinerary: { title: string }[] } },
    ]
    expect(added.memory.content).toBe('I always want a window seat')
    expect(listed.trips.map((t) => t.id)).toEqual([tripId])
    expect(searched.memories.map((m) => m.id)).toContain(added.memory.id)
    expect(item.item.tripId).toBe(tripId)
    expect(got.trip.itinerary.map((i) => i.title)).toEqual(['Fushimi Inari at dawn'])

    // The model's tool calls landed in the database, as the owner.
    const rows = await database.db
      .selectFrom('memories')
      .select(['user_id', 'content'])
      .where('id', '=', added.memory.id)
      .execute()
    expect(rows).toEqual([{ user_id: owner.id, content: 'I always want a window seat' }])

    // forgetMemory, then the memory is gone.
    const forget = await generateText({
      model: scriptedModel([
        { calls: [{ toolName: 'forgetMemory', input: { memoryId: added.memory.id } }] },
        { text: 'Forgotten.' },
      ]),
      tools: tripSageTools(me),
      stopWhen: stepCountIs(3),
      prompt: 'Forget the window seat.',
    })
    expect(toolOutcomes(forget.steps).map((o) => o.type)).toEqual(['tool-result'])
    expect(await me.memory.find(added.memory.id)).toBeNull()
  })

  it("another user's model reaches none of the owner's rows, and its errors name none of them", async () => {
    const memory = await tripsage.forUser(owner.claims).memory.add({ content: 'Allergic to peanuts' })
    const errors: unknown[] = []
    const result = await generateText({
      model: scriptedModel([
        {
          calls: [
            { toolName: 'getTrip', input: { tripId } },
            { toolName: 'addItineraryItem', input: { tripId, title: 'Planted' } },
            { toolName: 'forgetMemory', input: { memoryId: memory.id } },
            { toolName: 'searchMemories', input: { query: 'peanuts allergy' } },
            { toolName: 'listTrips', input: {} },
          ],
        },
        { text: 'Nothing there.' },
      ]),
      tools: tripSageTools(tripsage.forUser(stranger.claims), { onError: (error) => errors.push(error) }),
      stopWhen: stepCountIs(3),
      prompt: 'Show me the honeymoon.',
    })
    const outcomes = toolOutcomes(result.steps)
    expect(outcomes.map((o) => [o.toolName, o.type])).toEqual([
      ['getTrip', 'tool-error'],
      ['addItineraryItem', 'tool-error'],
      ['forgetMemory', 'tool-error'],
      ['searchMemories', 'tool-result'],
      ['listTrips', 'tool-result'],
    ])
    const texts = outcomes.filter((o) => o.type === 'tool-error').map((o) => String((o.error as Error).message))
    for (const text of texts) expect(text).toMatch(/^not_found: /)
    expect(outcomes[3]?.output).toEqual({ memories: [] })
    expect(outcomes[4]?.output).toEqual({ trips: [], nextCursor: null })
    expect(JSON.stringify(result.steps)).not.toMatch(/Secret honeymoon|Allergic|Kyoto/)
    expect(errors).toHaveLength(3)

    // Nothing changed for the owner.
    expect((await tripsage.forUser(owner.claims).memory.get(memory.id)).content).toBe('Allergic to peanuts')
    expect(await tripsage.forUser(owner.claims).itinerary.listByTrip(tripId)).not.toContainEqual(
      expect.objectContaining({ title: 'Planted' }),
    )
  })

  it('turns bad input and unexpected failures into tool errors the model can read, without internals', async () => {
    const me = tripsage.forUser(owner.claims)
    const failures: [string, unknown][] = []
    const broken = {
      memory: me.memory,
      itinerary: me.itinerary,
      trips: {
        ...me.trips,
        list: async () => {
          throw new Error('connect ECONNREFUSED postgres://admin:hunter2@db.internal:5432')
        },
        get: async () => {
          throw new NotFoundError('Trip not found')
        },
      },
    }
    const result = await generateText({
      model: scriptedModel([
        {
          calls: [
            { toolName: 'addItineraryItem', input: { tripId, title: 'Tea ceremony', day: 'tomorrow' } },
            { toolName: 'listTrips', input: {} },
            { toolName: 'getTrip', input: { tripId } },
          ],
        },
        { text: 'Let me fix that.' },
      ]),
      tools: tripSageTools(broken as unknown as AgentToolsClient, {
        onError: (error, toolName) => failures.push([toolName, error]),
      }),
      stopWhen: stepCountIs(3),
      prompt: 'Add a tea ceremony tomorrow.',
    })
    const texts = toolOutcomes(result.steps).map((o) => (o.error as Error | undefined)?.message)
    expect(texts[0]).toMatch(/^validation: Invalid itinerary item: day must be a valid date/)
    expect(texts[1]).toBe('internal: The tool failed unexpectedly.')
    expect(texts[2]).toBe('not_found: Trip not found')
    expect(failures.map(([name]) => name)).toEqual(['addItineraryItem', 'listTrips', 'getTrip'])
    // The model's next prompt carries the safe text only.
    expect(JSON.stringify(result.steps)).not.toContain('hunter2')
  })
})

describe('agent tools under the mock model (streamText → UI messages → saveUIMessages)', () => {
  it('a streamed tool-using turn persists and reloads as messages validateUIMessages accepts with the tools', async () => {
    const me = tripsage.forUser(owner.claims)
    const tools = tripSageTools(me)
    const session = await me.chat.sessions.create()
    const question: UIMessage = { id: 'q1', role: 'user', parts: [{ type: 'text', text: 'What trips do I have?' }] }
    const result = streamText({
      model: scriptedModel([{ calls: [{ toolName: 'listTrips', input: {} }] }, { text: 'You have one trip: Kyoto.' }]),
      tools,
      stopWhen: stepCountIs(3),
      prompt: 'What trips do I have?',
    })
    let answer: UIMessage | undefined
    for await (const message of readUIMessageStream<UIMessage>({
      stream: createUIMessageStream({ execute: ({ writer }) => writer.merge(result.toUIMessageStream()) }),
    })) {
      answer = message
    }
    if (!answer) throw new Error('no message streamed')
    await me.chat.messages.saveUIMessages(session.id, [question, answer])

    const loaded = await me.chat.messages.loadUIMessages<UIMessage>(session.id)
    expect(loaded).toEqual(JSON.parse(JSON.stringify([question, answer])))
    await validateUIMessages({ messages: loaded, tools })
    const tool = loaded[1]?.parts.find((part) => part.type === 'tool-listTrips')
    expect(tool).toMatchObject({ state: 'output-available', output: { trips: [{ id: tripId }] } })
    const calls = await me.chat.toolCalls.get(
      (
        await database.db
          .selectFrom('chat_tool_calls')
          .select('id')
          .where('session_id', '=', session.id)
          .executeTakeFirstOrThrow()
      ).id,
    )
    expect(calls).toMatchObject({ toolName: 'listTrips', status: 'completed', providerExecuted: false })
  })
})
