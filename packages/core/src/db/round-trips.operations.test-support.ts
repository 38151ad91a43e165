import { samples } from '../attachments/samples.test-support.js'
import type { ServiceClient, UserClient } from '../client.js'

/** What the counted calls run against: one owner, their trip and session, and helpers to seed. */
export interface RoundTripWorld {
  /** The owner's client (the SDK over the counted connection). */
  readonly me: UserClient
  /** The service client over the same connection. */
  readonly service: ServiceClient
  /** The owner's trip. */
  readonly tripId: string
  /** The owner's chat session, linked to no trip. */
  readonly sessionId: string
  /** A message of that session. */
  readonly messageId: string
  /** A completed attachment of the owner. */
  readonly attachmentId: string
  /** A new user (auth.users row) and their client. */
  newUser(): Promise<{ id: string; client: UserClient }>
}

/** The calls of one operation: `prepare` seeds what one call needs (not counted), then returns it. */
export interface CountedOperation {
  /** `repository.method (case)`. */
  readonly name: string
  /** Data statements the call sends (scope entry, `commit` and `rollback` not counted). */
  readonly statements: number
  /** Seeds what one call needs (a fresh row for a delete…) and returns the call to count. */
  prepare(world: RoundTripWorld, i: number): Promise<() => Promise<unknown>>
}

const embedding = Array.from({ length: 1536 }, (_, i) => (i % 7) / 7)
const flight = { origin: 'LHR', destination: 'LIS', departureDate: '2026-06-01', price: 120 }
const tripInput = { name: 'Lisbon', destination: 'Lisbon', startDate: '2026-06-01', endDate: '2026-06-07' }
const upload = { filename: 'notes.txt', mimeType: 'text/plain', size: samples.text.byteLength }

/** A call that needs no seeding. */
const call =
  (fn: (world: RoundTripWorld, i: number) => Promise<unknown>) =>
  async (world: RoundTripWorld, i: number): Promise<() => Promise<unknown>> =>
  () =>
    fn(world, i)

/**
 * Every public repository call of trips (with collaborators and items), chat, search caches,
 * attachments and keys, on its success path, plus the memory searches; memory's other calls are
 * counted by its own suite. The statement counts are the audit: a change that adds a statement
 * fails the round-trip test until the table is updated.
 */
export const countedOperations: readonly CountedOperation[] = [
  // trips
  { name: 'trips.get', statements: 1, prepare: call(({ me, tripId }) => me.trips.get(tripId)) },
  {
    name: 'trips.get (every relation)',
    statements: 1,
    prepare: call(({ me, tripId }) =>
      me.trips.get(tripId, { include: ['flights', 'accommodations', 'transportation', 'itinerary', 'collaborators'] }),
    ),
  },
  { name: 'trips.find', statements: 1, prepare: call(({ me, tripId }) => me.trips.find(tripId)) },
  { name: 'trips.list', statements: 1, prepare: call(({ me }) => me.trips.list({ limit: 5 })) },
  { name: 'trips.create', statements: 1, prepare: call(({ me }) => me.trips.create(tripInput)) },
  {
    name: 'trips.update',
    statements: 1,
    prepare: call(({ me, tripId }, i) => me.trips.update(tripId, { name: `Lisbon ${i}` })),
  },
  {
    name: 'trips.delete',
    statements: 1,
    prepare: async ({ me }) => {
      const { id } = await me.trips.create(tripInput)
      return () => me.trips.delete(id)
    },
  },
  // collaborators
  {
    name: 'trips.collaborators.list',
    statements: 1,
    prepare: call(({ me, tripId }) => me.trips.collaborators.list(tripId)),
  },
  {
    name: 'trips.collaborators.add',
    statements: 1,
    prepare: async ({ me, tripId, newUser }) => {
      const { id } = await newUser()
      return () => me.trips.collaborators.add(tripId, { userId: id, role: 'editor' })
    },
  },
  {
    name: 'trips.collaborators.setRole',
    statements: 1,
    prepare: async ({ me, tripId, newUser }) => {
      const { id } = await newUser()
      await me.trips.collaborators.add(tripId, { userId: id })
      return () => me.trips.collaborators.setRole(tripId, id, 'editor')
    },
  },
  {
    name: 'trips.collaborators.remove',
    statements: 1,
    prepare: async ({ me, tripId, newUser }) => {
      const { id } = await newUser()
      await me.trips.collaborators.add(tripId, { userId: id })
      return () => me.trips.collaborators.remove(tripId, id)
    },
  },
  {
    name: 'trips.collaborators.leave',
    statements: 1,
    prepare: async ({ me, tripId, newUser }) => {
      const { id, client } = await newUser()
      await me.trips.collaborators.add(tripId, { userId: id })
      return () => client.trips.collaborators.leave(tripId)
    },
  },
  // trip items (one factory for the four kinds)
  { name: 'flights.add', statements: 1, prepare: call(({ me, tripId }) => me.flights.add(tripId, flight)) },
  {
    name: 'flights.update',
    statements: 1,
    prepare: async ({ me, tripId }) => {
      const { id } = await me.flights.add(tripId, flight)
      return () => me.flights.update(id, { price: 99 })
    },
  },
  {
    name: 'flights.remove',
    statements: 1,
    prepare: async ({ me, tripId }) => {
      const { id } = await me.flights.add(tripId, flight)
      return () => me.flights.remove(id)
    },
  },
  { name: 'flights.listByTrip', statements: 1, prepare: call(({ me, tripId }) => me.flights.listByTrip(tripId)) },
  {
    name: 'itinerary.add',
    statements: 1,
    prepare: call(({ me, tripId }) => me.itinerary.add(tripId, { title: 'Tram 28' })),
  },
  { name: 'itinerary.listByTrip', statements: 1, prepare: call(({ me, tripId }) => me.itinerary.listByTrip(tripId)) },
  {
    name: 'accommodations.listByTrip',
    statements: 1,
    prepare: call(({ me, tripId }) => me.accommodations.listByTrip(tripId)),
  },
  {
    name: 'transportation.listByTrip',
    statements: 1,
    prepare: call(({ me, tripId }) => me.transportation.listByTrip(tripId)),
  },
  // chat sessions
  { name: 'chat.sessions.create', statements: 1, prepare: call(({ me }) => me.chat.sessions.create()) },
  {
    name: 'chat.sessions.create (on a trip)',
    statements: 1,
    prepare: call(({ me, tripId }) => me.chat.sessions.create({ tripId, title: 'Plans' })),
  },
  { name: 'chat.sessions.get', statements: 1, prepare: call(({ me, sessionId }) => me.chat.sessions.get(sessionId)) },
  { name: 'chat.sessions.find', statements: 1, prepare: call(({ me, sessionId }) => me.chat.sessions.find(sessionId)) },
  { name: 'chat.sessions.list', statements: 1, prepare: call(({ me }) => me.chat.sessions.list({ limit: 20 })) },
  {
    name: 'chat.sessions.list (of a trip)',
    statements: 1,
    prepare: call(({ me, tripId }) => me.chat.sessions.list({ tripId, limit: 20 })),
  },
  {
    name: 'chat.sessions.end',
    statements: 1,
    prepare: async ({ me }) => {
      const { id } = await me.chat.sessions.create()
      return () => me.chat.sessions.end(id)
    },
  },
  // chat messages
  {
    name: 'chat.messages.append (1)',
    statements: 1,
    prepare: call(({ me, sessionId }, i) => me.chat.messages.append(sessionId, { role: 'user', content: `hi ${i}` })),
  },
  {
    name: 'chat.messages.append (10)',
    statements: 1,
    prepare: call(({ me, sessionId }, i) =>
      me.chat.messages.append(
        sessionId,
        Array.from({ length: 10 }, (_, k) => ({ role: 'user' as const, content: `bench message ${i * 10 + k}` })),
      ),
    ),
  },
  {
    name: 'chat.messages.history',
    statements: 1,
    prepare: call(({ me, sessionId }) => me.chat.messages.history(sessionId, { limit: 20 })),
  },
  {
    name: 'chat.messages.count',
    statements: 1,
    prepare: call(({ me, sessionId }) => me.chat.messages.count(sessionId)),
  },
  {
    name: 'chat.messages.loadUIMessages',
    statements: 1,
    prepare: call(({ me, sessionId }) => me.chat.messages.loadUIMessages(sessionId, { limit: 20 })),
  },
  {
    // lock the session, read the stored copies, insert (no tool parts: no tool-call statements)
    name: 'chat.messages.saveUIMessages (one new message)',
    statements: 3,
    prepare: call(({ me, sessionId }, i) =>
      me.chat.messages.saveUIMessages(sessionId, [
        { id: `ui-${i}-${crypto.randomUUID()}`, role: 'user', parts: [{ type: 'text', text: 'hello' }] },
      ]),
    ),
  },
  // chat tool calls
  {
    name: 'chat.toolCalls.record',
    statements: 1,
    prepare: call(({ me, sessionId }, i) =>
      me.chat.toolCalls.record(sessionId, { toolName: 'search_hotels', arguments: { city: 'Lisbon', i } }),
    ),
  },
  {
    name: 'chat.toolCalls.record (with its message)',
    statements: 1,
    prepare: call(({ me, sessionId, messageId }) =>
      me.chat.toolCalls.record(sessionId, { toolName: 'search_hotels', arguments: {}, messageId }),
    ),
  },
  ...(['get', 'start', 'complete', 'fail'] as const).map(
    (method): CountedOperation => ({
      name: `chat.toolCalls.${method}`,
      statements: 1,
      prepare: async ({ me, sessionId }) => {
        const { id } = await me.chat.toolCalls.record(sessionId, { toolName: 'search_hotels', arguments: {} })
        const calls = me.chat.toolCalls
        return method === 'get'
          ? () => calls.get(id)
          : method === 'start'
            ? () => calls.start(id)
            : method === 'complete'
              ? () => calls.complete(id, { hotels: [] })
              : () => calls.fail(id, 'provider timed out')
      },
    }),
  ),
  // search cache
  {
    name: 'searchCache.put',
    statements: 1,
    prepare: call(({ me }, i) =>
      me.searchCache.put('hotels', { city: 'Lisbon', i }, { hotels: [] }, { ttlSeconds: 60 }),
    ),
  },
  {
    name: 'searchCache.get (hit)',
    statements: 1,
    prepare: async ({ me }) => {
      await me.searchCache.put('hotels', { city: 'Porto' }, { hotels: [1] }, { ttlSeconds: 3600 })
      return () => me.searchCache.get('hotels', { city: 'Porto' })
    },
  },
  {
    name: 'searchCache.get (miss)',
    statements: 1,
    prepare: call(({ me }) => me.searchCache.get('flights', { to: 'X' })),
  },
  {
    name: 'service.searchCache.purgeExpired',
    statements: 1,
    prepare: call(({ service }) => service.searchCache.purgeExpired()),
  },
  // attachments
  { name: 'attachments.createUpload', statements: 1, prepare: call(({ me }) => me.attachments.createUpload(upload)) },
  {
    // the trip check (a read choosing the error), then the insert
    name: 'attachments.createUpload (on a trip)',
    statements: 2,
    prepare: call(({ me, tripId }) => me.attachments.createUpload({ ...upload, tripId })),
  },
  {
    // the owner's row, then the service-scope update (storage in between)
    name: 'attachments.complete (bytes)',
    statements: 2,
    prepare: async ({ me }) => {
      const { attachment } = await me.attachments.createUpload(upload)
      return () => me.attachments.complete(attachment.id, samples.text)
    },
  },
  { name: 'attachments.get', statements: 1, prepare: call(({ me, attachmentId }) => me.attachments.get(attachmentId)) },
  {
    name: 'attachments.find',
    statements: 1,
    prepare: call(({ me, attachmentId }) => me.attachments.find(attachmentId)),
  },
  { name: 'attachments.list', statements: 1, prepare: call(({ me }) => me.attachments.list({ limit: 20 })) },
  {
    name: 'attachments.signedUrl',
    statements: 1,
    prepare: call(({ me, attachmentId }) => me.attachments.signedUrl(attachmentId)),
  },
  {
    // select and delete in one transaction that commits only after storage removed the object
    name: 'attachments.remove',
    statements: 2,
    prepare: async ({ me }) => {
      const { attachment } = await me.attachments.createUpload(upload)
      return () => me.attachments.remove(attachment.id)
    },
  },
  {
    name: 'service.attachments.get',
    statements: 1,
    prepare: call(({ service, attachmentId }) => service.attachments.get(attachmentId)),
  },
  {
    name: 'service.attachments.setScanResult',
    statements: 1,
    prepare: call(({ service, attachmentId }) => service.attachments.setScanResult(attachmentId, { status: 'clean' })),
  },
  {
    // nothing stale: the claiming update only
    name: 'service.attachments.purgeStaleUploads (none stale)',
    statements: 1,
    prepare: call(({ service }) => service.attachments.purgeStaleUploads({ olderThanSeconds: 86_400 })),
  },
  {
    // nothing queued: the leasing update only
    name: 'service.attachments.deleteQueuedObjects (none queued)',
    statements: 1,
    prepare: call(({ service }) => service.attachments.deleteQueuedObjects()),
  },
  // keys
  { name: 'keys.list', statements: 1, prepare: call(({ me }) => me.keys.list()) },
  {
    // store through Vault, then read the stored row back, in one transaction
    name: 'service.keys.set',
    statements: 2,
    prepare: call(({ service, me }, i) => service.keys.set(me.userId, 'openai', `sk-test-key-${i}-0123456789abcdef`)),
  },
  ...(['get', 'touch', 'remove'] as const).map(
    (method): CountedOperation => ({
      name: `service.keys.${method}`,
      statements: 1,
      prepare: async ({ service, me }) => {
        await service.keys.set(me.userId, 'anthropic', 'sk-ant-test-0123456789abcdef')
        return () => service.keys[method](me.userId, 'anthropic')
      },
    }),
  ),
  { name: 'service.keys.list', statements: 1, prepare: call(({ service, me }) => service.keys.list(me.userId)) },
  { name: 'service.keys.health', statements: 1, prepare: call(({ service }) => service.keys.health()) },
  { name: 'service.trips.get', statements: 1, prepare: call(({ service, tripId }) => service.trips.get(tripId)) },
  // memory searches (a 1 536-float vector as text, over 16 kB)
  { name: 'memory.search', statements: 1, prepare: call(({ me }) => me.memory.search({ embedding, limit: 10 })) },
  {
    name: 'memory.search (filtered)',
    statements: 1,
    prepare: call(({ me }) => me.memory.search({ embedding, metadata: { bucket: 7 }, limit: 10 })),
  },
  {
    name: 'memory.hybridSearch',
    statements: 1,
    prepare: call(({ me }) => me.memory.hybridSearch({ query: 'window seat', embedding, limit: 10 })),
  },
]

/** The trip, session, message and completed attachment the counted calls share. */
export async function seedRoundTripWorld(me: UserClient) {
  const tripId = (await me.trips.create(tripInput)).id
  const sessionId = (await me.chat.sessions.create()).id
  const messageId = (await me.chat.messages.append(sessionId, { role: 'assistant', content: 'Looking…' })).id
  const { attachment } = await me.attachments.createUpload(upload)
  await me.attachments.complete(attachment.id, samples.text)
  return { tripId, sessionId, messageId, attachmentId: attachment.id }
}
