/**
 * Live updates over Server-Sent Events, on the SDK's Realtime topics (`trip:{id}`,
 * `session:{id}`, `user:{id}`). In embedded mode the database triggers of the realtime migration
 * write every broadcast to `realtime.messages` (the platform stand-in), so this route tails that
 * table *as the user*: the same RLS policies that authorize a Supabase Realtime channel decide
 * which broadcasts reach the browser. Payloads are notifications (ids, kinds), never content —
 * the page refetches through the SDK. With Supabase, subscribe with supabase-js instead:
 * `supabase.channel(tripTopic(id), { config: { private: true } }).on('broadcast', …)`.
 */
import { parseRealtimeEvent, parseRealtimeTopic, type RealtimeTopic, type UserClient } from '@tripsage/core'
import { sql } from 'kysely'
import { errorResponse, signInFirst } from '../../../lib/respond'
import { currentClaims } from '../../../lib/session'
import { getTripSage } from '../../../lib/tripsage'

export const dynamic = 'force-dynamic'

const pollMs = 1000
const heartbeatMs = 15_000
/** Broadcasts committed by a transaction that started before the cursor still arrive. */
const lookBackSeconds = 10

type Row = { id: string; event: string | null; payload: unknown; inserted_at: Date | string }

/** The broadcasts on `topic` the user may receive, newer than `since` minus the look-back window. */
async function readTopic(me: UserClient, topic: string, since: string): Promise<Row[]> {
  return me.transaction(async ({ db }) => {
    await sql`select set_config('realtime.topic', ${topic}, true)`.execute(db)
    const { rows } = await sql<Row>`
      select id, event, payload, inserted_at from realtime.messages
      where topic = ${topic} and extension = 'broadcast'
        and inserted_at > ${since}::timestamp - make_interval(secs => ${lookBackSeconds})
      order by inserted_at, id
      limit 200
    `.execute(db)
    return rows
  })
}

async function startCursor(me: UserClient): Promise<string> {
  return me.transaction(async ({ db }) => {
    const { rows } = await sql<{ now: string }>`select localtimestamp::text as now`.execute(db)
    return rows[0]?.now ?? '-infinity'
  })
}

/** `GET /api/realtime?topic=trip:…&topic=user:…` → `text/event-stream` of `{ topic, event, payload }`. */
export async function GET(request: Request): Promise<Response> {
  try {
    const { tripsage, limiter, adminDb } = await getTripSage()
    if (!adminDb) {
      return Response.json(
        { error: { code: 'not_found', message: 'Subscribe with Supabase Realtime (supabase-js) in this mode' } },
        { status: 404 },
      )
    }
    const claims = await currentClaims()
    if (!claims) return signInFirst()
    const me = tripsage.forUser(claims)
    await limiter.enforce('realtime.subscribe', me.userId)
    const topics = new URL(request.url).searchParams.getAll('topic').slice(0, 8)
    const parsed: RealtimeTopic[] = topics.map((topic) => {
      parseRealtimeTopic(topic) // throws `validation` for anything that is not a TripSage topic
      return topic as RealtimeTopic
    })
    const since = await startCursor(me)
    const seen = new Set<string>()
    const encoder = new TextEncoder()

    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        let closed = false
        let lastBeat = Date.now()
        const close = () => {
          if (closed) return
          closed = true
          clearTimeout(timer)
          controller.close()
        }
        const send = (text: string) => {
          if (!closed) controller.enqueue(encoder.encode(text))
        }
        send(`retry: 2000\nevent: ready\ndata: ${JSON.stringify({ topics: parsed })}\n\n`)
        let timer: ReturnType<typeof setTimeout>
        const tick = async () => {
          try {
            for (const topic of parsed) {
              for (const row of await readTopic(me, topic, since)) {
                if (seen.has(row.id)) continue
                seen.add(row.id)
                // Only events the SDK knows, with payloads that parse: a newer database's extras are skipped.
                const event = (() => {
                  try {
                    return parseRealtimeEvent({ event: row.event, payload: row.payload })
                  } catch {
                    return null
                  }
                })()
                if (event) send(`data: ${JSON.stringify({ topic, ...event })}\n\n`)
              }
            }
            if (Date.now() - lastBeat > heartbeatMs) {
              lastBeat = Date.now()
              send(': keep-alive\n\n')
            }
          } catch (error) {
            // The database went away: end the stream; EventSource reconnects after `retry`.
            errorResponse(error, 'realtime')
            close()
            return
          }
          if (!closed) timer = setTimeout(tick, pollMs)
        }
        timer = setTimeout(tick, 0)
        request.signal.addEventListener('abort', close)
      },
    })
    return new Response(stream, {
      // no-transform: the response compression of `next start` must not buffer the stream.
      headers: {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store, no-transform',
        connection: 'keep-alive',
      },
    })
  } catch (error) {
    return errorResponse(error, 'realtime')
  }
}
