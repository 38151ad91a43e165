/**
 * The memory-sync job route, called by QStash (or, embedded, by the in-process queue with the same
 * signed requests): `createMemorySyncHandler` verifies the `Upstash-Signature` over the raw body,
 * validates, dedupes and writes the messages as memories. The handler is built in
 * `lib/tripsage.ts` once the database is open, so this route forwards the request to it.
 */
import { getTripSage } from '../../../../lib/tripsage'

/** One delivery: 200 done (or a duplicate), 401 bad signature, 489 unusable payload, 5xx retry. */
export async function POST(request: Request): Promise<Response> {
  const { memorySync } = await getTripSage()
  return memorySync.handler(request)
}
