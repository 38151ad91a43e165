/**
 * The application every host runtime serves in the runtime matrix: plain `Request → Response`,
 * importing only `@tripsage/core` and `@tripsage/jobs` (no `node:` module, no host API), so the
 * same file runs on Node, Bun, Deno (Supabase Edge Functions) and workerd (Cloudflare Workers).
 *
 * The test plays the auth layer: it names the user in the `x-user-id` header. A real app takes
 * the claims from a verified Supabase access token instead (see docs/guides/host-runtimes.md).
 */
import {
  createTripSage,
  localEmbedder,
  memoryKv,
  type TripSageDatabase,
  TripSageError,
  type TripSageErrorCode,
} from '@tripsage/core'
import { createMemorySyncHandler, type SigningKeys } from '@tripsage/jobs'
import type { Kysely } from 'kysely'

/** What {@link createRuntimeApp} needs from its host. */
export interface RuntimeAppOptions {
  /** A Kysely instance over the host's driver (pg or postgres.js), connected as the server role. */
  db: Kysely<TripSageDatabase>
  /** The QStash signing keys the memory-sync route verifies with (the real `Receiver`). */
  signingKeys: SigningKeys
  /** The public URL of the memory-sync route: the `sub` QStash signs. */
  jobUrl: string
  /** The host's name, echoed by `GET /` so a test knows which runtime answered. */
  host: string
}

const status: Record<TripSageErrorCode, number> = {
  validation: 400,
  unauthorized: 401,
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
}

/**
 * Routes: `GET /` (the host), `POST /trips` (create a trip, then list the user's trips),
 * `GET /trips/:id`, `POST /chat` (a session with two messages), `GET /memories?sessionId=`, and
 * `POST /jobs/memory-sync` (the signed QStash job route).
 *
 * @param options - the database, signing keys, job URL and host name
 */
export function createRuntimeApp(options: RuntimeAppOptions): (req: Request) => Promise<Response> {
  const tripsage = createTripSage({ db: options.db })
  const memorySync = createMemorySyncHandler({
    tripsage,
    embedder: localEmbedder(),
    kv: memoryKv(),
    receiver: options.signingKeys,
    url: options.jobUrl,
  })
  const asUser = (req: Request) => {
    const sub = req.headers.get('x-user-id')
    if (!sub) throw new TripSageError('forbidden', 'No user')
    return tripsage.forUser({ sub, role: 'authenticated' })
  }

  return async (req) => {
    const { pathname } = new URL(req.url)
    try {
      if (req.method === 'GET' && pathname === '/') return Response.json({ host: options.host })
      if (req.method === 'POST' && pathname === '/jobs/memory-sync') return await memorySync(req)
      if (req.method === 'POST' && pathname === '/trips') {
        const me = asUser(req)
        const trip = await me.trips.create((await req.json()) as never)
        const page = await me.trips.list()
        return Response.json({ trip, listed: page.items.map((t) => t.id) }, { status: 201 })
      }
      const tripId = /^\/trips\/([^/]+)$/.exec(pathname)?.[1]
      if (req.method === 'GET' && tripId) return Response.json(await asUser(req).trips.get(tripId))
      if (req.method === 'POST' && pathname === '/chat') {
        const me = asUser(req)
        const { tripId: trip, messages } = (await req.json()) as { tripId: string; messages: string[] }
        const session = await me.chat.sessions.create({ tripId: trip, title: 'Runtime matrix' })
        const saved = await me.chat.messages.append(
          session.id,
          messages.map((content) => ({ role: 'user' as const, content })),
        )
        return Response.json({ session, messages: saved }, { status: 201 })
      }
      if (req.method === 'GET' && pathname === '/memories') {
        const sessionId = new URL(req.url).searchParams.get('sessionId') ?? undefined
        const page = await asUser(req).memory.list(sessionId ? { sessionId } : {})
        return Response.json({ memories: page.items.map((m) => ({ id: m.id, content: m.content })) })
      }
      return Response.json({ error: { code: 'not_found', message: 'No such route' } }, { status: 404 })
    } catch (error) {
      if (TripSageError.isInstance(error))
        return Response.json({ error: error.toJSON() }, { status: status[error.code] })
      // A bug: log it on the server, answer the client without details.
      console.error(error)
      return Response.json({ error: { code: 'internal', message: 'Internal error' } }, { status: 500 })
    }
  }
}
