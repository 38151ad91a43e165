import { sql } from 'kysely'
import type { TripSageOptions } from '../client.js'
import { isBoundScope } from '../db/bound-scopes.js'
import { toTripSageError } from '../db/database-error.js'
import { createServiceScope, type Scope, type ScopedTransaction } from '../db/scope.js'
import { timestamptzFromText } from '../db/temporal-param.js'
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TripSageError,
  UnavailableError,
  ValidationError,
} from '../errors.js'
import { decodeCursor, type Page, toPage } from '../pagination.js'
import { type BlobBody, type BlobStore, blobBodyBytes, type SignedUrl } from '../storage/blob-store.js'
import { noopTracer, withSpan } from '../telemetry.js'
import { parseInput } from '../validation.js'
import { type AttachmentRecord, attachmentColumns, toAttachment } from './attachment-row.js'
import { contentMatchesMimeType, sniffLength } from './content-sniffing.js'
import { type AttachmentMimeType, isAttachmentMimeType, normalizeMimeType } from './mime-types.js'
import { attachmentObjectPath, safeFilename } from './object-path.js'
import { retryIdempotent } from './retry.js'
import {
  type Attachment,
  AttachmentId,
  AttachmentSignedUrlOptions,
  type AttachmentUpload,
  CreateAttachmentUploadInput,
  ListAttachmentsInput,
} from './schema.js'
import { attachmentSettings } from './settings.js'
import { requireStorage } from './storage-port.js'

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
 * Builds `me.attachments` over a user scope.
 *
 * @param scope - the user scope (or one bound to an open transaction — storage calls are not
 *   part of that transaction)
 * @param ports - the options passed to `createTripSage` (`storage`, `attachments`, `tracer`)
 */
export function createAttachmentsRepository(scope: Scope, ports: TripSageOptions): AttachmentsRepository {
  const settings = attachmentSettings(ports)
  const tracer = ports.tracer ?? noopTracer
  // Only the verification path may mark an upload completed (the file_attachments guard refuses
  // it to users): complete() checks the bytes, then finishes the row as the service, for this
  // owner's row only.
  const verifier = createServiceScope(ports.serviceDb ?? ports.db)
  const span = <T>(operation: string, attributes: Record<string, string>, fn: () => Promise<T>) =>
    withSpan(tracer, `tripsage.attachments.${operation}`, attributes, fn)

  function userId(): string {
    if (scope.kind !== 'user' || !scope.userId) {
      throw new TripSageError('internal', 'me.attachments needs a user scope')
    }
    return scope.userId
  }

  async function runIn<T>(where: Scope, fn: (trx: ScopedTransaction) => Promise<T>): Promise<T> {
    try {
      return await where.run(fn)
    } catch (error) {
      throw toTripSageError(error, 'attachment')
    }
  }
  const run = <T>(fn: (trx: ScopedTransaction) => Promise<T>) => runIn(scope, fn)

  function selectVisible(trx: ScopedTransaction, id: string) {
    return trx.selectFrom('file_attachments').select(attachmentColumns).where('id', '=', id).executeTakeFirst()
  }

  /** The row as the user sees it; `not_found` when RLS hides it, `forbidden` when it is not theirs. */
  async function ownRow(id: string): Promise<AttachmentRecord> {
    const row = await run((trx) => selectVisible(trx, id))
    if (!row) throw new NotFoundError('Attachment not found')
    if (row.user_id !== userId()) throw new ForbiddenError('Only the owner can change an attachment')
    return row
  }

  /** Marks the upload failed, deletes its object (best effort: the row still points at it), then throws. */
  async function reject(store: BlobStore, row: AttachmentRecord, reason: string, objectMayExist: boolean) {
    await run((trx) =>
      trx
        .updateTable('file_attachments')
        .set({ upload_status: 'failed' })
        .where('id', '=', row.id)
        .where('upload_status', '=', 'uploading')
        .execute(),
    )
    if (objectMayExist) await retryIdempotent(() => store.remove([row.file_path])).catch(() => undefined)
    throw new ValidationError('The uploaded file does not match its declared size or type', {
      details: { reason, attachmentId: row.id },
    })
  }

  return {
    createUpload: (input) =>
      span('create_upload', {}, async () => {
        const parsed = parseInput(CreateAttachmentUploadInput, input, 'attachment upload')
        const mimeType = normalizeMimeType(parsed.mimeType)
        if (!isAttachmentMimeType(mimeType) || !settings.allowedMimeTypes.includes(mimeType)) {
          // The refused type is the caller's input: name the allowed ones instead.
          const allowed = `this file type is not allowed (allowed: ${settings.allowedMimeTypes.join(', ')})`
          throw new ValidationError(`Invalid attachment upload: ${allowed}`, {
            details: {
              issues: [{ path: 'mimeType', code: 'not_allowed', message: allowed }],
              allowedMimeTypes: settings.allowedMimeTypes,
            },
          })
        }
        if (parsed.size > settings.maxFileSize) {
          throw new ValidationError(`Invalid attachment upload: size must be at most ${settings.maxFileSize} bytes`, {
            details: {
              issues: [
                { path: 'size', code: 'too_big', message: `size must be at most ${settings.maxFileSize} bytes` },
              ],
              maxFileSize: settings.maxFileSize,
            },
          })
        }
        const store = requireStorage(ports)
        const owner = userId()
        const id = crypto.randomUUID()
        const filename = safeFilename(parsed.filename, mimeType)
        const path = attachmentObjectPath(owner, id, filename)

        // Metadata first: an object never exists without its row.
        const row = await run(async (trx) => {
          if (parsed.tripId) {
            const trip = await trx.selectFrom('trips').select('id').where('id', '=', parsed.tripId).executeTakeFirst()
            if (!trip) throw new NotFoundError('Trip not found')
          }
          if (parsed.chatMessageId) {
            const message = await trx
              .selectFrom('chat_messages')
              .select('id')
              .where('id', '=', parsed.chatMessageId)
              .executeTakeFirst()
            if (!message) throw new NotFoundError('Chat message not found')
          }
          return trx
            .insertInto('file_attachments')
            .values({
              id,
              user_id: owner,
              trip_id: parsed.tripId ?? null,
              chat_message_id: parsed.chatMessageId ?? null,
              filename,
              original_filename: displayName(parsed.filename),
              file_size: parsed.size,
              mime_type: mimeType,
              file_path: path,
              bucket_name: store.bucket,
            })
            .returning(attachmentColumns)
            .executeTakeFirstOrThrow()
        })

        try {
          const upload = await store.createSignedUploadUrl(path, { contentType: mimeType, upsert: false })
          return { attachment: toAttachment(row), upload }
        } catch (error) {
          const failure = TripSageError.isInstance(error) ? error : new UnavailableError('Storage is unavailable')
          // No target was handed out, so the row must go; if even that fails, say so.
          try {
            await retryIdempotent(() => run((trx) => trx.deleteFrom('file_attachments').where('id', '=', id).execute()))
          } catch {
            throw new TripSageError(failure.code, failure.message, {
              cause: failure,
              details: { ...failure.details, orphan: 'row', attachmentId: id },
            })
          }
          throw failure
        }
      }),

    complete: (id, bytes) =>
      span('complete', idAttribute(id), async () => {
        const attachmentId = parseInput(AttachmentId, id, 'attachment id')
        if (bytes !== undefined && !(bytes instanceof Uint8Array || bytes instanceof ArrayBuffer || isBlob(bytes))) {
          throw new ValidationError('Invalid attachment bytes', {
            details: { issues: [{ path: 'bytes', message: 'pass a Uint8Array, an ArrayBuffer or a Blob' }] },
          })
        }
        const store = requireStorage(ports)
        if (isBoundScope(scope)) {
          // The row is finished in a service transaction of its own, which cannot run inside
          // this one (PGlite would wait for it forever).
          throw new ConflictError('complete() cannot run inside me.transaction; call it on me.attachments', {
            details: { reason: 'inside_transaction', attachmentId },
          })
        }
        const row = await ownRow(attachmentId)
        if (row.upload_status === 'completed') return toAttachment(row)
        if (row.upload_status === 'failed') {
          throw new ConflictError('This upload failed; create a new one', { details: { attachmentId } })
        }
        if (row.bucket_name !== store.bucket) {
          throw new TripSageError('internal', 'The attachment is stored in another bucket than the configured storage')
        }
        const mimeType = row.mime_type as AttachmentMimeType
        const size = Number(row.file_size)

        if (bytes !== undefined) {
          const data = await blobBodyBytes(bytes)
          // A client may have used the signed target too: clean up whatever is stored.
          if (data.byteLength !== size) await reject(store, row, 'size_mismatch', true)
          if (!contentMatchesMimeType(mimeType, data.subarray(0, sniffLength))) {
            await reject(store, row, 'content_mismatch', true)
          }
          // upsert: a retried complete() stores the same verified bytes again.
          await store.upload(row.file_path, data, { contentType: mimeType, upsert: true })
        } else {
          const info = await store.head(row.file_path)
          if (!info) {
            throw new ConflictError('The file has not been uploaded yet', {
              details: { reason: 'not_uploaded', attachmentId },
            })
          }
          if (info.size !== size) await reject(store, row, 'size_mismatch', true)
          if (normalizeMimeType(info.contentType ?? '') !== mimeType)
            await reject(store, row, 'content_type_mismatch', true)
          const head = await store.read(row.file_path, { maxBytes: sniffLength })
          if (!head) {
            throw new ConflictError('The file has not been uploaded yet', {
              details: { reason: 'not_uploaded', attachmentId },
            })
          }
          if (!contentMatchesMimeType(mimeType, head)) await reject(store, row, 'content_mismatch', true)
        }

        const completed = await runIn(verifier, (trx) =>
          trx
            .updateTable('file_attachments')
            .set({ upload_status: 'completed' })
            .where('id', '=', attachmentId)
            .where('user_id', '=', row.user_id)
            .where('upload_status', '=', 'uploading')
            .returning(attachmentColumns)
            .executeTakeFirst(),
        )
        if (completed) return toAttachment(completed)
        // Someone else moved it on meanwhile: completed is fine, anything else is a conflict.
        const current = await ownRow(attachmentId)
        if (current.upload_status === 'completed') return toAttachment(current)
        throw new ConflictError('This upload failed; create a new one', { details: { attachmentId } })
      }),

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
      const owner = userId()
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

    remove: (id) =>
      span('remove', idAttribute(id), async () => {
        const attachmentId = parseInput(AttachmentId, id, 'attachment id')
        const store = requireStorage(ports)
        let objectRemoved = false
        try {
          await scope.run(async (trx) => {
            const row = await selectVisible(trx, attachmentId)
            if (!row) throw new NotFoundError('Attachment not found')
            const deleted = await trx
              .deleteFrom('file_attachments')
              .where('id', '=', attachmentId)
              .returning(['file_path', 'bucket_name'])
              .executeTakeFirst()
            if (!deleted) throw new ForbiddenError('Only the owner can remove an attachment')
            if (deleted.bucket_name !== store.bucket) {
              throw new TripSageError(
                'internal',
                'The attachment is stored in another bucket than the configured storage',
              )
            }
            // Inside the transaction: if storage fails, the row deletion rolls back with it.
            await retryIdempotent(() => store.remove([deleted.file_path]))
            objectRemoved = true
          })
        } catch (error) {
          const failure = toTripSageError(error, 'attachment')
          if (!objectRemoved) throw failure
          // The object is gone but the commit failed: the row must follow, or be reported.
          try {
            await retryIdempotent(() =>
              run((trx) => trx.deleteFrom('file_attachments').where('id', '=', attachmentId).execute()),
            )
          } catch {
            throw new UnavailableError('The file was deleted but its attachment row could not be', {
              cause: failure,
              details: { orphan: 'row', attachmentId },
            })
          }
        }
      }),
  }
}

/** Postgres refuses NUL in text; other control characters have no place in a display name either. */
function displayName(original: string): string {
  const cleaned = original.replace(/\p{Cc}/gu, '')
  return cleaned.length > 0 ? cleaned : 'file'
}

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== 'undefined' && value instanceof Blob
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The span attribute of an attachment id — only when it is one (never echo arbitrary input). */
function idAttribute(id: unknown): Record<string, string> {
  return typeof id === 'string' && uuidPattern.test(id) ? { 'tripsage.attachment.id': id } : {}
}

function decodeListCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = decodeCursor(cursor, 2)
  if (
    typeof createdAt !== 'string' ||
    typeof id !== 'string' ||
    !uuidPattern.test(id) ||
    Number.isNaN(Date.parse(createdAt))
  ) {
    throw new ValidationError('Invalid cursor', {
      details: { issues: [{ path: 'cursor', message: 'malformed cursor' }] },
    })
  }
  return { createdAt, id }
}
