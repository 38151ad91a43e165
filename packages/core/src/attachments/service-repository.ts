import { sql } from 'kysely'
import { toTripSageError } from '../db/database-error.js'
import { jsonbValue } from '../db/json-param.js'
import { oneStatement } from '../db/run-in-scope.js'
import type { Scope, ScopedTransaction } from '../db/scope.js'
import { NotFoundError, TripSageError } from '../errors.js'
import { noopTracer, withSpan } from '../telemetry.js'
import { parseInput } from '../validation.js'
import { attachmentColumns, toAttachment } from './attachment-row.js'
import type { AttachmentsPorts } from './ports.js'
import { type DeleteQueuedObjectsResult, deleteQueuedObjects } from './queued-deletions.js'
import { retryIdempotent } from './retry.js'
import {
  type Attachment,
  AttachmentId,
  AttachmentScanResult,
  DeleteQueuedObjectsInput,
  PurgeStaleUploadsInput,
  type PurgeStaleUploadsResult,
} from './schema.js'
import { attachmentSettings } from './settings.js'
import { requireStorage } from './storage-port.js'

/** `tripsage.service.attachments`: the scanner's and the janitor's view (service role, no RLS). */
export interface AttachmentsServiceRepository {
  /** Any attachment by id (for a scanner to fetch the object `bucket`/`path`), or `not_found`. */
  get(id: string): Promise<Attachment>
  /**
   * Records a virus scan outcome. `infected` files never get a signed URL again; the object is kept
   * for inspection until the attachment is removed.
   */
  setScanResult(id: string, input: AttachmentScanResult): Promise<Attachment>
  /**
   * Removes attachments stuck in `uploading` (never completed) or `failed` for longer than
   * `olderThanSeconds`, object first, then row — so neither is left without the other. Run it from
   * a scheduled job.
   */
  purgeStaleUploads(input?: PurgeStaleUploadsInput): Promise<PurgeStaleUploadsResult>
  /**
   * Deletes the Storage objects of deleted attachments — removed by their owner, or gone with a
   * trip, a chat message or a user account — from the queue a database trigger fills, at least
   * once and idempotently; failures come back later with a backoff. Run it from a scheduled job
   * (and, for promptness, after deleting trips or accounts). Returns how many were deleted.
   */
  deleteQueuedObjects(input?: DeleteQueuedObjectsInput): Promise<DeleteQueuedObjectsResult>
}

/**
 * Builds `tripsage.service.attachments` over the service scope.
 *
 * @param scope - the service scope
 * @param ports - the options passed to `createTripSage`
 */
export function createAttachmentsServiceRepository(
  scope: Scope,
  ports: AttachmentsPorts,
): AttachmentsServiceRepository {
  attachmentSettings(ports) // fail fast on bad options, at createTripSage time
  const tracer = ports.tracer ?? noopTracer

  // Every call here sends one statement per scope run: `commit` leaves with it (one round trip
  // on a pipelining driver).
  async function run<T>(fn: (trx: ScopedTransaction) => Promise<T>): Promise<T> {
    try {
      return await scope.run(fn, oneStatement)
    } catch (error) {
      throw toTripSageError(error, 'attachment')
    }
  }

  return {
    get: async (id) => {
      const attachmentId = parseInput(AttachmentId, id, 'attachment id')
      const row = await run((trx) =>
        trx.selectFrom('file_attachments').select(attachmentColumns).where('id', '=', attachmentId).executeTakeFirst(),
      )
      if (!row) throw new NotFoundError('Attachment not found')
      return toAttachment(row)
    },

    setScanResult: (id, input) =>
      withSpan(tracer, 'tripsage.attachments.set_scan_result', {}, async () => {
        const attachmentId = parseInput(AttachmentId, id, 'attachment id')
        const parsed = parseInput(AttachmentScanResult, input, 'scan result')
        const row = await run((trx) =>
          trx
            .updateTable('file_attachments')
            .set({
              virus_scan_status: parsed.status,
              virus_scan_result: parsed.result === undefined ? null : jsonbValue<string>(parsed.result),
            })
            .where('id', '=', attachmentId)
            .returning(attachmentColumns)
            .executeTakeFirst(),
        )
        if (!row) throw new NotFoundError('Attachment not found')
        return toAttachment(row)
      }),

    deleteQueuedObjects: (input = {}) =>
      withSpan(tracer, 'tripsage.attachments.delete_queued_objects', {}, async () => {
        const parsed = parseInput(DeleteQueuedObjectsInput, input, 'queued deletion options')
        const store = requireStorage(ports)
        try {
          return await deleteQueuedObjects(scope, store, parsed)
        } catch (error) {
          throw toTripSageError(error, 'queued object deletion')
        }
      }),

    purgeStaleUploads: (input = {}) =>
      withSpan(tracer, 'tripsage.attachments.purge_stale_uploads', {}, async () => {
        const parsed = parseInput(PurgeStaleUploadsInput, input, 'purge options')
        const store = requireStorage(ports)
        // Claim them first: flipping to `failed` makes a concurrent complete() refuse, so a row
        // can never become `completed` while its object is being deleted.
        const stale = await run((trx) =>
          trx
            .updateTable('file_attachments')
            .set({ upload_status: 'failed' })
            .where('id', 'in', (eb) =>
              eb
                .selectFrom('file_attachments')
                .select('id')
                // Literals, not parameters: the partial index file_attachments_stale_uploads_idx
                // (its predicate) serves the scan only when the planner can prove the predicate,
                // which a generic plan of a prepared statement cannot do with parameters.
                .where(sql<boolean>`upload_status in ('uploading', 'failed')`)
                .where(sql<boolean>`created_at < now() - make_interval(secs => ${parsed.olderThanSeconds})`)
                .orderBy('created_at')
                .limit(parsed.limit),
            )
            .where('upload_status', '<>', 'completed')
            .returning(['id', 'file_path', 'bucket_name'])
            .execute(),
        )
        let removed = 0
        let failed = 0
        for (const row of stale) {
          try {
            if (row.bucket_name !== store.bucket) {
              throw new TripSageError('internal', 'The attachment is stored in another bucket')
            }
            // Object first: a row without an object is harmless and retried; the reverse is an orphan.
            await retryIdempotent(() => store.remove([row.file_path]))
            await retryIdempotent(() =>
              run((trx) =>
                trx
                  .deleteFrom('file_attachments')
                  .where('id', '=', row.id)
                  .where('upload_status', '<>', 'completed')
                  .execute(),
              ),
            )
            removed++
          } catch {
            failed++
          }
        }
        return { removed, failed }
      }),
  }
}
