import type { Kysely } from 'kysely'
import { describe, expectTypeOf, it } from 'vitest'
import { createTripSage } from '../client.js'
import type { TripSageDatabase } from '../db/schema.js'
import type { JsonObject, JsonValue } from '../json-value.js'
import type { Page } from '../pagination.js'
import type { ChatMessageRow, ChatSessionRow, ChatToolCallRow } from './rows.js'
import type { ChatMessage, ChatRole, ChatSession, ChatToolCall, ToolCallStatus } from './schema.js'

const me = createTripSage({ db: {} as Kysely<TripSageDatabase> }).forUser({ sub: crypto.randomUUID() })

describe('chat rows come back typed', () => {
  it('rows are the generated table types', () => {
    expectTypeOf<ChatSessionRow['trip_id']>().toEqualTypeOf<string | null>()
    expectTypeOf<ChatSessionRow['ended_at']>().toEqualTypeOf<string | null>()
    expectTypeOf<ChatMessageRow['seq']>().toEqualTypeOf<number>()
    expectTypeOf<ChatMessageRow['content']>().toEqualTypeOf<string>()
    expectTypeOf<ChatToolCallRow['status']>().toEqualTypeOf<string>()
    expectTypeOf<ChatToolCallRow['provider_executed']>().toEqualTypeOf<boolean>()
    // @ts-expect-error: no such column
    expectTypeOf<ChatMessageRow['body']>()
  })

  it('sessions', () => {
    expectTypeOf(me.chat.sessions.create({ tripId: 'x' })).resolves.toEqualTypeOf<ChatSession>()
    expectTypeOf(me.chat.sessions.get('x')).resolves.toEqualTypeOf<ChatSession>()
    expectTypeOf(me.chat.sessions.find('x')).resolves.toEqualTypeOf<ChatSession | null>()
    expectTypeOf(me.chat.sessions.list()).resolves.toEqualTypeOf<Page<ChatSession>>()
    expectTypeOf(me.chat.sessions.end('x')).resolves.toEqualTypeOf<ChatSession>()
    expectTypeOf<ChatSession['tripId']>().toEqualTypeOf<string | null>()
    expectTypeOf<ChatSession['metadata']>().toEqualTypeOf<JsonObject>()
    expectTypeOf<ChatSession['endedAt']>().toEqualTypeOf<string | null>()
  })

  it('messages: one in, one out; many in, many out', () => {
    expectTypeOf(me.chat.messages.append('s', { role: 'user', content: 'hi' })).resolves.toEqualTypeOf<ChatMessage>()
    expectTypeOf(me.chat.messages.append('s', [{ role: 'user', content: 'hi' }])).resolves.toEqualTypeOf<
      ChatMessage[]
    >()
    expectTypeOf(me.chat.messages.history('s', { order: 'oldest' })).resolves.toEqualTypeOf<Page<ChatMessage>>()
    expectTypeOf(me.chat.messages.count('s')).resolves.toEqualTypeOf<number>()
    expectTypeOf<ChatMessage['role']>().toEqualTypeOf<ChatRole>()
    expectTypeOf<ChatRole>().toEqualTypeOf<'user' | 'assistant' | 'system' | 'tool'>()
    expectTypeOf<ChatMessage['seq']>().toEqualTypeOf<number>()
  })

  it('refuses wrong input at compile time', () => {
    // @ts-expect-error: not a role
    void me.chat.messages.append('s', { role: 'robot', content: 'hi' })
    // @ts-expect-error: content is required
    void me.chat.messages.append('s', { role: 'user' })
    // @ts-expect-error: not an order
    void me.chat.messages.history('s', { order: 'sideways' })
    // @ts-expect-error: arguments are required
    void me.chat.toolCalls.record('s', { toolName: 't' })
  })

  it('tool calls', () => {
    expectTypeOf(me.chat.toolCalls.record('s', { toolName: 't', arguments: {} })).resolves.toEqualTypeOf<ChatToolCall>()
    expectTypeOf(me.chat.toolCalls.start('x')).resolves.toEqualTypeOf<ChatToolCall>()
    expectTypeOf(me.chat.toolCalls.complete('x', { ok: true })).resolves.toEqualTypeOf<ChatToolCall>()
    expectTypeOf(me.chat.toolCalls.fail('x', 'boom')).resolves.toEqualTypeOf<ChatToolCall>()
    expectTypeOf<ChatToolCall['status']>().toEqualTypeOf<ToolCallStatus>()
    expectTypeOf<ChatToolCall['result']>().toEqualTypeOf<JsonValue | null>()
  })
})
