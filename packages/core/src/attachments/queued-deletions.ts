import { sql } from 'kysely'
import { oneStatement } from '../db/run-in-scope.js'
import type { Scope } from '../db/scope.js'
import type { BlobStore } from '../storage/blob-store.js'
import { retryIdempotent } from './retry.js'

/** What one `deleteQueuedObjects` call did. */
export interface DeleteQueuedObjectsResult {
  /** Objects deleted (or found already gone) whose queue rows are deleted too. */
  deleted: number
  /** Objects whose deletion failed: their rows come due again later, with a backoff. */
  failed: number
}

interface QueuedObject {
  id: string
  file_path: string
}

/** Rows stay in the queue until Storage confirms; after this many attempts the backoff stops growing. */
const maxBackoffSeconds = 3600

/**
 * Deletes the Storage objects of deleted attachment rows (`private.storage_deletions`, filled by a
 * trigger on every deletion of a `file_attachments` row: the owner's `remove`, or a cascade from a
 * trip, a chat message or a user). At least once, idempotently:
 *
 * 1. lease due rows of this store's bucket in one statement (`for update skip locked`, so runs may
 *    overlap), committing the lease;
 * 2. delete their objects through the Storage port, retried (deleting a missing object is a
 *    no-op);
 * 3. delete the queue rows of the objects deleted; a failed batch gets its rows back later with a
 *    backoff and an error code.
 *
 * A run that dies after 1 leaves rows leased until `leaseSeconds` pass; one that dies after 2
 * deletes the objects again next time. Neither loses a deletion.
 *
 * @param scope - the service scope
 * @param store - the Storage port
 * @param input - limit and lease
 */
export async function deleteQueuedObjects(
  scope: Scope,
  store: BlobStore,
  input: { limit: number; leaseSeconds: number },
): Promise<DeleteQueuedObjectsResult> {
  const leased = await scope.run(async (trx) => {
    const { rows } = await sql<QueuedObject>`
      update private.storage_deletions d
         set locked_until = now() + make_interval(secs => ${input.leaseSeconds}), attempts = d.attempts + 1
       where d.id in (
         select q.id from private.storage_deletions q
          where q.bucket_name = ${store.bucket}
            and q.available_at <= now()
            and (q.locked_until is null or q.locked_until < now())
          order by q.available_at
          limit ${input.limit}
          for update skip locked)
      returning d.id, d.file_path`.execute(trx)
    return rows
  }, oneStatement)
  if (leased.length === 0) return { deleted: 0, failed: 0 }
  try {
    await retryIdempotent(() => store.remove(leased.map((r) => r.file_path)))
  } catch {
    await scope
      .run(
        (trx) =>
          sql`update private.storage_deletions
               set locked_until = null, last_error = 'remove_failed',
                   available_at = now() + make_interval(secs => least(${maxBackoffSeconds}, 30 * power(2, least(attempts, 12)))::double precision)
             where id = any(${leased.map((r) => r.id)}::uuid[])`.execute(trx),
        oneStatement,
      )
      .catch(() => undefined) // the lease expires anyway
    return { deleted: 0, failed: leased.length }
  }
  await retryIdempotent(() =>
    scope.run(
      (trx) =>
        sql`delete from private.storage_deletions where id = any(${leased.map((r) => r.id)}::uuid[])`.execute(trx),
      oneStatement,
    ),
  )
  return { deleted: leased.length, failed: 0 }
}
