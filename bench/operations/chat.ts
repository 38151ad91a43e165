/** Chat sessions, messages and tool calls, plus the search cache: a session with 500 messages. */
import type { OperationSet } from './operation.js'

export const chatOperations: OperationSet = async ({ me }) => {
  const session = await me.chat.sessions.create({ title: 'Bench session' })
  for (let i = 0; i < 5; i++)
    await me.chat.messages.append(
      session.id,
      Array.from({ length: 100 }, (_, k) => ({
        role: k % 2 ? ('assistant' as const) : ('user' as const),
        content: `message ${i * 100 + k}: which ferry to take from Lisbon to Cacilhas, and when?`,
      })),
    )
  for (let i = 0; i < 20; i++) await me.chat.sessions.create({ title: `Session ${i}` })
  const query = { city: 'Lisbon', checkIn: '2026-06-01', nights: 3 }
  await me.searchCache.put(
    'hotels',
    query,
    { hotels: Array.from({ length: 20 }, (_, i) => ({ id: i })) },
    {
      ttlSeconds: 3600,
    },
  )
  const message = (i: number) => ({ role: 'user' as const, content: `bench message ${i}` })
  return [
    { name: 'chat.sessions.get', call: (c) => c.chat.sessions.get(session.id) },
    { name: 'chat.sessions.list (page of 20)', call: (c) => c.chat.sessions.list({ limit: 20 }) },
    { name: 'chat.messages.append (1)', call: (c, i) => c.chat.messages.append(session.id, message(i)) },
    {
      name: 'chat.messages.append (10)',
      call: (c, i) =>
        c.chat.messages.append(
          session.id,
          Array.from({ length: 10 }, (_, k) => message(i * 10 + k)),
        ),
    },
    { name: 'chat.messages.history (page of 20)', call: (c) => c.chat.messages.history(session.id, { limit: 20 }) },
    {
      name: 'chat.toolCalls.record',
      call: (c, i) =>
        c.chat.toolCalls.record(session.id, { toolName: 'search_hotels', arguments: { city: 'Lisbon', i } }),
    },
    { name: 'searchCache.get (hit)', call: (c) => c.searchCache.get('hotels', query) },
    { name: 'chat.sessions.create', call: (c, i) => c.chat.sessions.create({ title: `Bench ${i}` }) },
    { name: 'chat.messages.count', call: (c) => c.chat.messages.count(session.id) },
    {
      name: 'searchCache.put',
      call: (c, i) => c.searchCache.put('flights', { from: 'LIS', to: 'OPO', i }, { flights: [] }, { ttlSeconds: 60 }),
    },
  ]
}
