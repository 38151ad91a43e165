import { sql } from 'kysely'
import type { Scope } from '../db/scope.js'
import { timestamptzFromText } from '../db/temporal-param.js'
import { ConflictError, ForbiddenError, NotFoundError, TripSageError, ValidationError } from '../errors.js'
import { decodeCursor, type Page, toPage } from '../pagination.js'
import type { BlobBody, SignedUrl } from '../storage/blob-store.js'
import { parseInput } from '../validation.js'
import { attachmentAccess, idAttribute, isUuid } from './attachment-access.js'
import { attachmentColumns, toAttachment } from './attachment-row.js'
import type { AttachmentMimeType } from './mime-types.js'
import { safeFilename } from './object-path.js'
import type { AttachmentsPorts } from './ports.js'
import { removeAttachment } from './removal.js'
import {
  type Attachment,
  AttachmentId,
  AttachmentSignedUrlOptions,
  type AttachmentUpload,
  type CreateAttachmentUploadInput,
  ListAttachmentsInput,
} from './schema.js'
import { requireStorage } from './storage-port.js'
import { completeUpload, createUpload } from './upload.js'

/** `me.attachments`: files on trips and chat messages, as the user (RLS decides what they see). */
export interface AttachmentsRepository {
  /**
   * Records an `uploading` attachment and returns a signed target the client `PUT`s the bytes to.
   * Validates type and size against the configuration; the trip must be editable by the user, the
   * chat message their own.
   */
  createUpload(input: CreateAttachmentUploadInput): Promise<AttachmentUpload>
  /**
   * Finishes an upload: with `bytes` the server stores them itself; without, it checks what the
   * client uploaded. Either way the object's size must equal the declared size, its Content-Type
   * the declared type, and its leading bytes must match that type — otherwise the row is marked
   * `failed`, the object deleted, and a `validation` error thrown. Idempotent once `completed`.
   * Only this path can mark an upload completed: the row is finished in a service-scope
   * transaction of its own (the database refuses it to users), so inside `me.transaction` it
   * throws `conflict` (`details.reason = 'inside_transaction'`).
   */
  complete(id: string, bytes?: BlobBody): Promise<Attachment>
  /**
   * A signed URL to read a completed attachment the user can see, valid for `expiresIn` seconds
   * (≤ `maxSignedUrlTtl`). `infected` files are refused (`forbidden`).
   */
  signedUrl(id: string, options?: AttachmentSignedUrlOptions): Promise<SignedUrl>
  /** The attachment, or `not_found`. */
  get(id: string): Promise<Attachment>
  /** The attachment, or null. */
  find(id: string): Promise<Attachment | null>
  /** One page, newest first, of a trip's or chat message's attachments (or the user's own). */
  list(input?: ListAttachmentsInput): Promise<Page<Attachment>>
  /**
   * Deletes the object and the row together: the row is deleted in a transaction that commits
   * only after the object is gone. If storage fails, nothing changes (`unavailable`); if the commit
   * fails after the object was deleted, the row deletion is retried and, failing that, reported
   * (`unavailable` with `details.orphan = 'row'`). Only the owner may remove (`forbidden`).
   */
  remove(id: string): Promise<void>
}

/**
 * Builds `me.attachments` over a user scope. The upload flow lives in `upload.ts`, removal in
 * `removal.ts`; the reads are here. Every call but `remove` lets each statement commit on its own
 * (one round trip per statement on a pipelining driver).
 *
 * @param scope - the user scope (or one bound to an open transaction — storage calls are not
 *   part of that transaction)
 * @param ports - the options passed to `createTripSage` (`storage`, `attachments`, `tracer`)
 * @param service - the service scope, with the same call limits, that completes a verified upload
 */
export function createAttachmentsRepository(
  scope: Scope,
  ports: AttachmentsPorts,
  service: Scope,
): AttachmentsRepository {
  const access = attachmentAccess(scope, ports, service)
  const { settings, run, selectVisible, span } = access

  return {
    createUpload: (input) => span('create_upload', {}, () => createUpload(access, input)),

    complete: (id, bytes) => span('complete', idAttribute(id), () => completeUpload(access, id, bytes)),

    signedUrl: (id, options = {}) =>
      span('signed_url', idAttribute(id), async () => {
        const attachmentId = parseInput(AttachmentId, id, 'attachment id')
        const parsed = parseInput(AttachmentSignedUrlOptions, options, 'signed URL options')
        const expiresIn = parsed.expiresIn ?? settings.defaultSignedUrlTtl
        if (expiresIn > settings.maxSignedUrlTtl) {
          throw new ValidationError('Invalid signed URL options', {
            details: {
              issues: [{ path: 'expiresIn', code: 'too_big', message: `at most ${settings.maxSignedUrlTtl} seconds` }],
            },
          })
        }
        const store = requireStorage(ports)
        const row = await run((trx) => selectVisible(trx, attachmentId))
        if (!row) throw new NotFoundError('Attachment not found')
        if (row.upload_status !== 'completed') {
          throw new ConflictError('The upload is not completed', { details: { attachmentId } })
        }
        if (row.virus_scan_status === 'infected') {
          throw new ForbiddenError('This file is quarantined', { details: { attachmentId } })
        }
        if (settings.requireCleanScan && row.virus_scan_status !== 'clean') {
          throw new ConflictError('This file has not been scanned yet', { details: { attachmentId } })
        }
        if (row.bucket_name !== store.bucket) {
          throw new TripSageError('internal', 'The attachment is stored in another bucket than the configured storage')
        }
        const download =
          parsed.download === true
            ? row.filename
            : typeof parsed.download === 'string'
              ? safeFilename(parsed.download, row.mime_type as AttachmentMimeType)
              : undefined
        return store.createSignedUrl(row.file_path, { expiresIn, ...(download ? { download } : {}) })
      }),

    get: async (id) => {
      const attachmentId = parseInput(AttachmentId, id, 'attachment id')
      const row = await run((trx) => selectVisible(trx, attachmentId))
      if (!row) throw new NotFoundError('Attachment not found')
      return toAttachment(row)
    },

    find: async (id) => {
      const attachmentId = parseInput(AttachmentId, id, 'attachment id')
      const row = await run((trx) => selectVisible(trx, attachmentId))
      return row ? toAttachment(row) : null
    },

    list: async (input = {}) => {
      const parsed = parseInput(ListAttachmentsInput, input, 'attachment list')
      const after = parsed.cursor ? decodeListCursor(parsed.cursor) : null
      const owner = access.userId()
      const rows = await run((trx) => {
        let query = trx
          .selectFrom('file_attachments')
          .select(attachmentColumns)
          .select(
            sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('created_key'),
          )
        if (parsed.tripId) query = query.where('trip_id', '=', parsed.tripId)
        else if (parsed.chatMessageId) query = query.where('chat_message_id', '=', parsed.chatMessageId)
        else query = query.where('user_id', '=', owner)
        if (after) {
          query = query.where(
            sql<boolean>`(created_at, id) < (${timestamptzFromText(after.createdAt)}, ${after.id}::uuid)`,
          )
        }
        return query
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(parsed.limit + 1)
          .execute()
      })
      return toPage(rows, parsed.limit, (row) => [row.created_key, row.id], toAttachment)
    },

    remove: (id) => span('remove', idAttribute(id), () => removeAttachment(access, id)),
  }
}

function decodeListCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = decodeCursor(cursor, 2)
  if (typeof createdAt !== 'string' || !isUuid(id) || Number.isNaN(Date.parse(createdAt))) {
    throw new ValidationError('Invalid cursor', {
      details: { issues: [{ path: 'cursor', message: 'malformed cursor' }] },
    })
  }
  return { createdAt, id }
}
