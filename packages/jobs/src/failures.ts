import type { TripSage } from '@tripsage/core'
import { sql } from 'kysely'
import type { JobFailure } from './handler.js'

/**
 * Records a delivery that failed for good in `private.job_failures` (service scope), one row per
 * `(job, message id)`: a later final failure of the same message updates the row. Needs the user
 * the job was for (the row goes away with the account); failures without one are not recorded
 * here (QStash's DLQ still holds the message). Rejects when the database is unreachable: the
 * handler ignores that.
 *
 * @param tripsage - the SDK
 * @param failure - what the handler reported
 * @param userId - the user the job was for
 */
export async function recordJobFailure(tripsage: TripSage, failure: JobFailure, userId: string): Promise<void> {
  const payload = failure.payload === undefined ? null : JSON.stringify(failure.payload)
  // `::text` first: postgres.js would JSON-encode a parameter the server typed jsonb a second time.
  await tripsage.service.scope.run(async (trx) => {
    await sql`
      insert into private.job_failures (user_id, job, message_id, business_key, code, message, retried, payload)
      values (${userId}::uuid, ${failure.job}, ${failure.messageId}, ${failure.businessKey}, ${failure.code},
        ${failure.message.slice(0, 500)}, ${failure.retried}, ${payload}::text::jsonb)
      on conflict (job, message_id) do update set
        business_key = excluded.business_key, code = excluded.code, message = excluded.message,
        retried = excluded.retried, payload = excluded.payload`.execute(trx)
  })
}
