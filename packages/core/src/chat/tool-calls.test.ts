import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type TripSage } from '../client.js'
import type { ChatToolCall, ToolCallStatus } from './schema.js'

let database: TestDatabase
let tripsage: TripSage
let owner: TestUser
let admin: TestUser
let editor: TestUser
let viewer: TestUser
let stranger: TestUser
let tripId: string

beforeAll(async () => {
  database = await createTestDatabase()
  tripsage = createTripSage({ db: database.db })
  ;[owner, admin, editor, viewer, stranger] = (await Promise.all(
    Array.from({ length: 5 }, () => createTestUser(database.db)),
  )) as [TestUser, TestUser, TestUser, TestUser, TestUser]
  const trip = await database.db
    .insertInto('trips')
    .values({
      user_id: owner.id,
      name: 'Oaxaca',
      destination: 'Oaxaca, MX',
      start_date: '2027-02-01',
      end_date: '2027-02-05',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  tripId = trip.id
  await database.db
    .insertInto('trip_collaborators')
    .values([
      { trip_id: tripId, user_id: admin.id, role: 'admin' },
      { trip_id: tripId, user_id: editor.id, role: 'editor' },
      { trip_id: tripId, user_id: viewer.id, role: 'viewer' },
    ])
    .execute()
})

afterAll(() => database.close())

async function toolCallCount(sessionId: string): Promise<number> {
  return (await database.db.selectFrom('chat_tool_calls').select('id').where('session_id', '=', sessionId).execute())
    .length
}

describe('me.chat.toolCalls.record', () => {
  it('records a pending call linked to a message of the session', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create({ tripId })
    const message = await me.chat.messages.append(session.id, { role: 'assistant', content: '' })
    const call = await me.chat.toolCalls.record(session.id, {
      toolName: 'search_flights',
      toolCallId: 'call_abc',
      arguments: { from: 'LIS', to: 'OAX', passengers: 2 },
      messageId: message.id,
    })
    expect(call).toMatchObject({
      sessionId: session.id,
      messageId: message.id,
      userId: owner.id,
      toolCallId: 'call_abc',
      toolName: 'search_flights',
      arguments: { from: 'LIS', to: 'OAX', passengers: 2 },
      result: null,
      status: 'pending',
      errorMessage: null,
      providerExecuted: false,
      startedAt: null,
      completedAt: null,
    })
    const provider = await me.chat.toolCalls.record(session.id, {
      toolName: 'web_search',
      arguments: {},
      providerExecuted: true,
    })
    expect(provider).toMatchObject({ messageId: null, toolCallId: null, providerExecuted: true })
  })

  it('is not_found for a message of another session, and writes nothing', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create()
    const other = await me.chat.sessions.create()
    const foreign = await me.chat.messages.append(other.id, { role: 'assistant', content: 'elsewhere' })
    await expect(
      me.chat.toolCalls.record(session.id, { toolName: 't', arguments: {}, messageId: foreign.id }),
    ).rejects.toMatchObject({ code: 'not_found', message: 'Chat message not found in this session' })
    await expect(
      me.chat.toolCalls.record(session.id, { toolName: 't', arguments: {}, messageId: crypto.randomUUID() }),
    ).rejects.toMatchObject({ code: 'not_found' })
    expect(await toolCallCount(session.id)).toBe(0)
  })

  it('is forbidden for trip collaborators, not_found for strangers, conflict once ended', async () => {
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create({ tripId })
    for (const user of [admin, editor, viewer]) {
      await expect(
        tripsage.forUser(user.claims).chat.toolCalls.record(session.id, { toolName: 't', arguments: {} }),
      ).rejects.toMatchObject({ code: 'forbidden' })
    }
    await expect(
      tripsage.forUser(stranger.claims).chat.toolCalls.record(session.id, { toolName: 't', arguments: {} }),
    ).rejects.toMatchObject({ code: 'not_found' })
    await expect(me.chat.toolCalls.record(crypto.randomUUID(), { toolName: 't', arguments: {} })).rejects.toMatchObject(
      {
        code: 'not_found',
      },
    )
    await me.chat.sessions.end(session.id)
    await expect(me.chat.toolCalls.record(session.id, { toolName: 't', arguments: {} })).rejects.toMatchObject({
      code: 'conflict',
    })
    expect(await toolCallCount(session.id)).toBe(0)
  })
})

describe('me.chat.toolCalls status machine', () => {
  /** A call of the owner's session driven into `status` through the SDK. */
  async function callIn(status: ToolCallStatus): Promise<ChatToolCall> {
    const me = tripsage.forUser(owner.claims)
    const session = await me.chat.sessions.create({ tripId })
    const call = await me.chat.toolCalls.record(session.id, { toolName: 'lookup', arguments: { q: 'x' } })
    if (status === 'running') return me.chat.toolCalls.start(call.id)
    if (status === 'completed') return me.chat.toolCalls.complete(call.id, { ok: true })
    if (status === 'failed') return me.chat.toolCalls.fail(call.id, 'boom')
    return call
  }

  const actions = {
    start: (id: string) => tripsage.forUser(owner.claims).chat.toolCalls.start(id),
    complete: (id: string) => tripsage.forUser(owner.claims).chat.toolCalls.complete(id, ['r']),
    fail: (id: string) => tripsage.forUser(owner.claims).chat.toolCalls.fail(id, 'timeout'),
  }
  const allowed: Record<ToolCallStatus, (keyof typeof actions)[]> = {
    pending: ['start', 'complete', 'fail'],
    running: ['complete', 'fail'],
    completed: [],
    failed: [],
  }
  const cases = (Object.keys(allowed) as ToolCallStatus[]).flatMap((from) =>
    (Object.keys(actions) as (keyof typeof actions)[]).map(
      (action) => [from, action, allowed[from].includes(action)] as const,
    ),
  )

  it.each(cases)('%s → %s: allowed = %s (refused ones are conflict and change nothing)', async (from, action, ok) => {
    const call = await callIn(from)
    if (ok) {
      const changed = await actions[action](call.id)
      const to = { start: 'running', complete: 'completed', fail: 'failed' }[action]
      expect(changed.status).toBe(to)
      if (to === 'running') expect(changed.startedAt).not.toBeNull()
      if (to !== 'running') expect(changed.completedAt).not.toBeNull()
      if (action === 'complete') expect(changed.result).toEqual(['r'])
      if (action === 'fail') expect(changed.errorMessage).toBe('timeout')
    } else {
      await expect(actions[action](call.id)).rejects.toMatchObject({ code: 'conflict' })
      expect(await tripsage.forUser(owner.claims).chat.toolCalls.get(call.id)).toEqual(call)
    }
  })

  it('keeps a null result apart from no result', async () => {
    const call = await callIn('running')
    const done = await tripsage.forUser(owner.claims).chat.toolCalls.complete(call.id, null)
    expect(done).toMatchObject({ status: 'completed', result: null })
  })

  it('lets a running call finish after its session ended', async () => {
    const me = tripsage.forUser(owner.claims)
    const call = await callIn('running')
    await me.chat.sessions.end(call.sessionId)
    expect((await me.chat.toolCalls.complete(call.id, 'late')).status).toBe('completed')
  })

  it('lets collaborators read calls but not change them; strangers see nothing', async () => {
    const call = await callIn('pending')
    for (const user of [admin, editor, viewer]) {
      const them = tripsage.forUser(user.claims)
      expect(await them.chat.toolCalls.get(call.id)).toEqual(call)
      await expect(them.chat.toolCalls.start(call.id)).rejects.toMatchObject({ code: 'forbidden' })
      await expect(them.chat.toolCalls.complete(call.id, 1)).rejects.toMatchObject({ code: 'forbidden' })
      await expect(them.chat.toolCalls.fail(call.id, 'no')).rejects.toMatchObject({ code: 'forbidden' })
    }
    const them = tripsage.forUser(stranger.claims)
    await expect(them.chat.toolCalls.get(call.id)).rejects.toMatchObject({ code: 'not_found' })
    await expect(them.chat.toolCalls.start(call.id)).rejects.toMatchObject({ code: 'not_found' })
    await expect(them.chat.toolCalls.complete(call.id, 1)).rejects.toMatchObject({ code: 'not_found' })
    await expect(them.chat.toolCalls.fail(call.id, 'no')).rejects.toMatchObject({ code: 'not_found' })
    expect(await tripsage.forUser(owner.claims).chat.toolCalls.get(call.id)).toEqual(call)
  })

  it('refuses bad ids, results and messages with validation', async () => {
    const me = tripsage.forUser(owner.claims)
    const call = await callIn('pending')
    await expect(me.chat.toolCalls.start('x')).rejects.toMatchObject({ code: 'validation' })
    await expect(me.chat.toolCalls.complete(call.id, undefined as never)).rejects.toMatchObject({ code: 'validation' })
    await expect(me.chat.toolCalls.complete(call.id, Number.NaN)).rejects.toMatchObject({ code: 'validation' })
    await expect(me.chat.toolCalls.fail(call.id, '')).rejects.toMatchObject({ code: 'validation' })
    await expect(me.chat.toolCalls.fail(call.id, 'x'.repeat(4001))).rejects.toMatchObject({ code: 'validation' })
    expect(await me.chat.toolCalls.get(call.id)).toEqual(call)
  })
})
