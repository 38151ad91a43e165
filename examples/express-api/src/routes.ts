/**
 * Every route of the API in one table: the method and path, the rate-limit rule it counts
 * against, the zod schemas of its inputs (the SDK's own exported schemas, also used for the
 * OpenAPI document) and the handler. `app.ts` mounts the table; `openapi.ts` describes it.
 */
import {
  AddCollaboratorInput,
  AddFlightInput,
  AddMemoryInput,
  ChatHistoryInput,
  ChatMessageInput,
  CreateAttachmentUploadInput,
  CreateChatSessionInput,
  CreateTripInput,
  HybridSearchMemoriesInput,
  ListTripsInput,
  parseInput,
  SearchMemoriesInput,
  UpdateTripInput,
  type UserClient,
} from '@tripsage/core'
import { addMemorySyncToOutbox, type JobHandler, MemorySyncPayload, relayOutbox } from '@tripsage/jobs'
import { z } from 'zod'
import type { Services } from './services.js'

/** What a handler receives. */
export interface RouteContext {
  /** The signed-in user's client (RLS applies); null on public routes. */
  readonly me: UserClient | null
  readonly params: Record<string, string>
  readonly query: Record<string, unknown>
  readonly body: unknown
  readonly services: Services
}

/** A handler's answer: a status and a JSON body (`undefined` for 204). */
export interface RouteResult {
  readonly status: number
  readonly body?: unknown
}

/** One route. */
export interface Route {
  readonly method: 'get' | 'post' | 'patch' | 'delete'
  /** Express 5 path syntax (`/trips/:tripId`). */
  readonly path: string
  readonly summary: string
  readonly tag: string
  /** The rate-limit rule every request to this route counts against. */
  readonly rule: string
  /** Whether a bearer token is required. */
  readonly auth: boolean
  /** The JSON body schema, for documentation; the SDK parses the body itself. */
  readonly body?: z.ZodType
  /** The query schema, for documentation. */
  readonly query?: z.ZodType
  /** The success status. */
  readonly success: number
  readonly handler: (context: RouteContext) => Promise<RouteResult>
}

/**
 * A QStash job route: no bearer token — the `Upstash-Signature` over the raw body is the
 * authorization — so `app.ts` mounts it before `express.json()` through `@tripsage/jobs/express`.
 */
export interface JobRoute {
  readonly method: 'post'
  readonly path: string
  readonly summary: string
  readonly tag: string
  /** The rate-limit rule every delivery counts against (per client IP). */
  readonly rule: string
  /** The payload schema, for documentation; the job handler parses the body itself. */
  readonly body: z.ZodType
  /** The job handler (`Request → Response`) from the services. */
  readonly handler: (services: Services) => JobHandler
}

const user = (context: RouteContext): UserClient => {
  if (!context.me) throw new Error('route marked auth: true ran without a user')
  return context.me
}

const ok = (body: unknown): RouteResult => ({ status: 200, body })
const created = (body: unknown): RouteResult => ({ status: 201, body })

/** A query string value as a number, when it is one. */
const numeric = (value: unknown) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value)

/** The query string of `GET /trips`, with numbers and lists as the SDK expects them. */
const tripsQuery = (query: Record<string, unknown>) => {
  const { limit, status, ...rest } = query
  return {
    ...rest,
    ...(limit === undefined ? {} : { limit: numeric(limit) }),
    ...(status === undefined ? {} : { status: Array.isArray(status) ? status : String(status).split(',') }),
  }
}

const DevUserInput = z.strictObject({ email: z.email().optional() })

/** The route table. */
export const routes: readonly Route[] = [
  {
    method: 'get',
    path: '/health',
    summary: 'Liveness and mode',
    tag: 'meta',
    rule: 'api.public',
    auth: false,
    success: 200,
    handler: async ({ services }) => ok({ status: 'ok', mode: services.mode }),
  },
  {
    method: 'post',
    path: '/dev/users',
    summary: 'Embedded mode only: create a user and get a dev bearer token',
    tag: 'meta',
    rule: 'api.devUsers',
    auth: false,
    body: DevUserInput,
    success: 201,
    handler: async ({ services, body }) => {
      if (!services.createDevUser) {
        return { status: 404, body: { error: { code: 'not_found', message: 'Dev users exist only in embedded mode' } } }
      }
      // The SDK's parser: a typed `validation` error with plain-words messages, never a ZodError.
      const input = parseInput(DevUserInput, body ?? {}, 'dev user')
      return created(await services.createDevUser(input.email))
    },
  },
  {
    method: 'get',
    path: '/trips',
    summary: 'Trips the user owns or collaborates on',
    tag: 'trips',
    rule: 'trips.read',
    auth: true,
    query: ListTripsInput,
    success: 200,
    handler: async (c) => ok(await user(c).trips.list(tripsQuery(c.query) as ListTripsInput)),
  },
  {
    method: 'post',
    path: '/trips',
    summary: 'Create a trip',
    tag: 'trips',
    rule: 'trips.create',
    auth: true,
    body: CreateTripInput,
    success: 201,
    handler: async (c) => created(await user(c).trips.create(c.body as CreateTripInput)),
  },
  {
    method: 'get',
    path: '/trips/:tripId',
    summary: 'A trip with its flights, stays, transport, itinerary and collaborators',
    tag: 'trips',
    rule: 'trips.read',
    auth: true,
    success: 200,
    handler: async (c) =>
      ok(
        await user(c).trips.get(c.params.tripId!, {
          include: ['flights', 'accommodations', 'transportation', 'itinerary', 'collaborators'],
        }),
      ),
  },
  {
    method: 'patch',
    path: '/trips/:tripId',
    summary: 'Update a trip (owner, admin or editor)',
    tag: 'trips',
    rule: 'trips.create',
    auth: true,
    body: UpdateTripInput,
    success: 200,
    handler: async (c) => ok(await user(c).trips.update(c.params.tripId!, c.body as UpdateTripInput)),
  },
  {
    method: 'delete',
    path: '/trips/:tripId',
    summary: 'Delete a trip (owner only)',
    tag: 'trips',
    rule: 'trips.delete',
    auth: true,
    success: 204,
    handler: async (c) => {
      await user(c).trips.delete(c.params.tripId!)
      return { status: 204 }
    },
  },
  {
    method: 'post',
    path: '/trips/:tripId/collaborators',
    summary: 'Share a trip',
    tag: 'trips',
    rule: 'collaborators.invite',
    auth: true,
    body: AddCollaboratorInput,
    success: 201,
    handler: async (c) =>
      created(await user(c).trips.collaborators.add(c.params.tripId!, c.body as AddCollaboratorInput)),
  },
  {
    method: 'post',
    path: '/trips/:tripId/flights',
    summary: 'Add a flight to a trip',
    tag: 'trips',
    rule: 'trips.create',
    auth: true,
    body: AddFlightInput,
    success: 201,
    handler: async (c) => created(await user(c).flights.add(c.params.tripId!, c.body as AddFlightInput)),
  },
  {
    method: 'post',
    path: '/chat/sessions',
    summary: 'Start a chat session (optionally on a trip)',
    tag: 'chat',
    rule: 'chat.sessions',
    auth: true,
    body: CreateChatSessionInput,
    success: 201,
    handler: async (c) => created(await user(c).chat.sessions.create(c.body as CreateChatSessionInput)),
  },
  {
    method: 'post',
    path: '/chat/sessions/:sessionId/messages',
    summary: 'Append messages to a session',
    tag: 'chat',
    rule: 'chat.append',
    auth: true,
    body: z.array(ChatMessageInput).min(1),
    success: 201,
    handler: async (c) => {
      const me = user(c)
      const sessionId = c.params.sessionId!
      // The messages and their memory-sync job commit together (the transactional outbox)…
      const saved = await me.transaction(async (tx) => {
        const messages = await tx.chat.messages.append(sessionId, c.body as ChatMessageInput[])
        await addMemorySyncToOutbox(tx.db, { sessionId, messageIds: messages.map((m) => m.id) })
        return messages
      })
      // …then the relay publishes it. Should that fail, the row stays in the outbox for the next
      // relay (run one on a schedule too): the messages are saved either way.
      const { memorySync } = c.services
      await relayOutbox({
        tripsage: c.services.tripsage,
        publisher: memorySync.publisher,
        destinations: { 'memory-sync': memorySync.url },
      }).catch(() => undefined)
      return created(saved)
    },
  },
  {
    method: 'get',
    path: '/chat/sessions/:sessionId/messages',
    summary: 'A page of the session history',
    tag: 'chat',
    rule: 'chat.history',
    auth: true,
    query: ChatHistoryInput,
    success: 200,
    handler: async (c) => {
      const { limit, ...rest } = c.query
      const options = { ...rest, ...(limit === undefined ? {} : { limit: numeric(limit) }) } as ChatHistoryInput
      return ok(await user(c).chat.messages.history(c.params.sessionId!, options))
    },
  },
  {
    method: 'post',
    path: '/memories',
    summary: 'Remember something (a long-term memory, or a session memory with `sessionId`)',
    tag: 'memory',
    rule: 'memory.add',
    auth: true,
    body: AddMemoryInput,
    success: 201,
    handler: async (c) => created(await user(c).memory.add(c.body as AddMemoryInput)),
  },
  {
    method: 'post',
    path: '/memories/search',
    summary: "Semantic recall over the user's own memories (cosine similarity, optional MMR)",
    tag: 'memory',
    rule: 'memory.search',
    auth: true,
    body: SearchMemoriesInput,
    success: 200,
    handler: async (c) => ok({ items: await user(c).memory.search(c.body as SearchMemoriesInput) }),
  },
  {
    method: 'post',
    path: '/memories/hybrid-search',
    summary: 'Hybrid recall: full-text and vector ranks fused (RRF)',
    tag: 'memory',
    rule: 'memory.search',
    auth: true,
    body: HybridSearchMemoriesInput,
    success: 200,
    handler: async (c) => ok({ items: await user(c).memory.hybridSearch(c.body as HybridSearchMemoriesInput) }),
  },
  {
    method: 'post',
    path: '/attachments',
    summary: 'Start an upload: returns the attachment and where to PUT the bytes',
    tag: 'attachments',
    rule: 'attachments.upload',
    auth: true,
    body: CreateAttachmentUploadInput,
    success: 201,
    handler: async (c) => created(await user(c).attachments.createUpload(c.body as CreateAttachmentUploadInput)),
  },
  {
    method: 'post',
    path: '/attachments/:attachmentId/complete',
    summary: 'Finish an upload: the stored bytes are checked against the declared size and type',
    tag: 'attachments',
    rule: 'attachments.upload',
    auth: true,
    success: 200,
    handler: async (c) => ok(await user(c).attachments.complete(c.params.attachmentId!)),
  },
  {
    method: 'get',
    path: '/attachments/:attachmentId/url',
    summary: 'A short-lived signed download URL',
    tag: 'attachments',
    rule: 'attachments.read',
    auth: true,
    success: 200,
    handler: async (c) => ok(await user(c).attachments.signedUrl(c.params.attachmentId!)),
  },
]

/** The job routes, mounted before the JSON body parser (the signature covers the raw body). */
export const jobRoutes: readonly JobRoute[] = [
  {
    method: 'post',
    path: '/jobs/memory-sync',
    summary: 'QStash delivery of a memory-sync job: embeds chat messages and writes them as memories',
    tag: 'jobs',
    rule: 'jobs.memorySync',
    body: MemorySyncPayload,
    handler: (services) => services.memorySync.handler,
  },
]
