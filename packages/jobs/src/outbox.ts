import { parseInput, type ScopedTransaction, type TripSage, toTripSageError } from '@tripsage/core'
import { sql } from 'kysely'
import { z } from 'zod'
import type { JobPublisher } from './enqueue.js'

/** Input of {@link addToOutbox}. */
export const AddToOutboxInput = z.strictObject({
  /** The job name (`[a-z0-9][a-z0-9_-]*`); `relayOutbox`'s `destinations` maps it to a URL. */
  job: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/),
  /** The user the job is for (the row goes away with the account). */
  userId: z.uuid(),
  /** The business key: unique in the outbox, and the QStash deduplication id. */
  dedupKey: z.string().regex(/^[\x21-\x7e]{1,512}$/),
  /** The JSON payload, published as is. */
  payload: z.json(),
  /** Earliest publish time (ISO); default now. */
  availableAt: z.iso.datetime({ offset: true }).optional(),
})
/** Input of {@link addToOutbox}. */
export type AddToOutboxInput = z.input<typeof AddToOutboxInput>

/**
 * Writes a job to the outbox inside the caller's **service** transaction
 * (`tripsage.service.transaction(({ db }) => addToOutbox(db, …))`), so the job exists exactly when
 * the rest of the transaction commits. A second add with the same `dedupKey` is a no-op. Returns
 * the outbox id (of the existing row for a repeat). Users cannot write the outbox; for memory sync
 * from a user transaction use {@link addMemorySyncToOutbox}.
 *
 * @param db - the open service transaction (`tx.db`)
 * @param input - job, user, dedup key and payload
 */
export async function addToOutbox(db: ScopedTransaction, input: AddToOutboxInput): Promise<string> {
  const parsed = parseInput(AddToOutboxInput, input, 'outbox job')
  try {
    // `::text` first: postgres.js would JSON-encode a parameter the server typed jsonb a second time,
    // and send one typed timestamptz through `new Date()` (microseconds lost).
    const result = await sql<{ id: string }>`
      with inserted as (
        insert into private.job_outbox (user_id, job, dedup_key, payload, available_at)
        values (${parsed.userId}::uuid, ${parsed.job}, ${parsed.dedupKey}, ${JSON.stringify(parsed.payload)}::text::jsonb,
          coalesce(${parsed.availableAt ?? null}::text::timestamptz, now()))
        on conflict (dedup_key) do nothing
        returning id
      )
      select id from inserted
      union all
      select id from private.job_outbox where dedup_key = ${parsed.dedupKey} and not exists (select 1 from inserted)`.execute(
      db,
    )
    return (result.rows[0] as { id: string }).id
  } catch (error) {
    throw toTripSageError(error, 'outbox job')
  }
}

/** Input of {@link addMemorySyncToOutbox}. */
export const AddMemorySyncToOutboxInput = z.strictObject({
  /** The chat session the messages belong to. */
  sessionId: z.uuid(),
  /** The chat message ids to sync (other sessions' ids and system/tool messages are ignored). */
  messageIds: z.array(z.uuid()).min(1).max(10_000),
})
/** Input of {@link addMemorySyncToOutbox}. */
export type AddMemorySyncToOutboxInput = z.input<typeof AddMemorySyncToOutboxInput>

/**
 * Writes memory-sync jobs for chat messages to the outbox inside the caller's transaction — the
 * one that appended the messages, as the user (`me.transaction(({ db }) => …)`) or as the service.
 * It calls `private.enqueue_memory_sync`, which builds the payloads from `chat_messages` itself: a
 * user can only enqueue their own messages of their own session (`forbidden` otherwise), and a
 * job carries message ids only (the handler loads the text). Ids are cut into jobs of ≤ 50; adding
 * the same messages again adds nothing. Returns the outbox ids.
 *
 * @example
 * await me.transaction(async (tx) => {
 *   const messages = await tx.chat.messages.append(sessionId, turns)
 *   await addMemorySyncToOutbox(tx.db, { sessionId, messageIds: messages.map((m) => m.id) })
 * })
 * await relayOutbox({ tripsage, publisher, destinations }) // now, or from a cron
 *
 * @param db - the open transaction (`tx.db`)
 * @param input - session and message ids
 */
export async function addMemorySyncToOutbox(
  db: ScopedTransaction,
  input: AddMemorySyncToOutboxInput,
): Promise<string[]> {
  const parsed = parseInput(AddMemorySyncToOutboxInput, input, 'memory-sync job')
  try {
    const result = await sql<{ id: string }>`
      select id from private.enqueue_memory_sync(${parsed.sessionId}::uuid, ${parsed.messageIds}::uuid[]) as id`.execute(
      db,
    )
    return result.rows.map((r) => r.id)
  } catch (error) {
    throw toTripSageError(error, 'memory-sync job')
  }
}

/** Options of {@link relayOutbox}. */
export interface RelayOutboxOptions {
  /** The SDK; the relay reads and updates the outbox in the service scope. */
  tripsage: TripSage
  /** `new Client({ token })` or the embedded queue. */
  publisher: JobPublisher
  /** Job name → route URL, e.g. `{ 'memory-sync': 'https://app.example.com/api/jobs/memory-sync' }`. */
  destinations: Record<string, string>
  /** Most rows per call (default 100). */
  limit?: number
  /** Seconds a relay holds a row while publishing it (default 60): after that another relay may take it. */
  leaseSeconds?: number
  /** QStash retries per message (default 3; keep it equal to the handler's `maxRetries`). */
  retries?: number
}

/** What one {@link relayOutbox} call did. */
export interface RelayOutboxResult {
  /** Rows published (QStash accepted them, or recognised them as duplicates). */
  published: number
  /** Rows whose publish failed; they are retried by a later call with a backoff. */
  failed: number
  /** Rows left alone because their job has no destination. */
  skipped: number
}

interface OutboxRow {
  id: string
  job: string
  dedup_key: string
  payload: unknown
  attempts: number
}

/**
 * Publishes pending outbox rows, at least once each. One statement leases up to `limit` rows
 * (`for update skip locked`, so concurrent relays split the work); each is published with its
 * `dedup_key` as the QStash deduplication id and then marked published. A relay that dies after
 * publishing but before marking leaves the row to be published again after the lease — QStash
 * drops the second publish as a duplicate, and past QStash's window the handler's business-key
 * idempotency and the job's own database dedup make it a no-op: one job, one effect. Failed
 * publishes are retried with an exponential backoff (capped at 15 minutes). Call it right after
 * the transaction that wrote the rows and from a cron.
 *
 * @param options - SDK, publisher, destinations, batch size
 */
export async function relayOutbox(options: RelayOutboxOptions): Promise<RelayOutboxResult> {
  const limit = options.limit ?? 100
  const lease = options.leaseSeconds ?? 60
  const jobs = Object.keys(options.destinations)
  const scope = options.tripsage.service.scope
  const result: RelayOutboxResult = { published: 0, failed: 0, skipped: 0 }
  if (jobs.length === 0) return result
  let rows: OutboxRow[]
  try {
    rows = await scope.run(async (trx) => {
      const leased = await sql<OutboxRow>`
        update private.job_outbox o
           set locked_until = now() + make_interval(secs => ${lease}), attempts = o.attempts + 1
         where o.id in (
           select id from private.job_outbox
            where published_at is null and available_at <= now()
              and (locked_until is null or locked_until <= now())
              and job in (${sql.join(jobs)})
            order by available_at, created_at
            limit ${limit}
            for update skip locked)
        returning o.id, o.job, o.dedup_key, o.payload, o.attempts`.execute(trx)
      return leased.rows
    })
  } catch (error) {
    throw toTripSageError(error, 'outbox job')
  }
  for (const row of rows) {
    const url = options.destinations[row.job]
    if (url === undefined) {
      result.skipped++
      continue
    }
    try {
      const response = await options.publisher.publishJSON({
        url,
        body: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
        deduplicationId: row.dedup_key,
        retries: options.retries ?? 3,
        headers: { 'Content-Type': 'application/json' },
        label: `tripsage:${row.job}`,
      })
      await scope.run((trx) =>
        sql`update private.job_outbox
               set published_at = now(), message_id = ${response.messageId}, locked_until = null, last_error = null
             where id = ${row.id}::uuid`.execute(trx),
      )
      result.published++
    } catch {
      result.failed++
      const backoffSeconds = Math.min(900, 2 ** Math.min(row.attempts, 10))
      await scope
        .run((trx) =>
          sql`update private.job_outbox
                 set locked_until = null, last_error = 'publish_failed',
                     available_at = now() + make_interval(secs => ${backoffSeconds})
               where id = ${row.id}::uuid and published_at is null`.execute(trx),
        )
        .catch(() => undefined)
    }
  }
  return result
}
