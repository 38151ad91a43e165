import { isBoundScope } from '../db/bound-scopes.js'
import { ConflictError, NotFoundError, TripSageError, UnavailableError, ValidationError } from '../errors.js'
import { type BlobBody, type BlobStore, blobBodyBytes } from '../storage/blob-store.js'
import { parseInput } from '../validation.js'
import type { AttachmentAccess } from './attachment-access.js'
import { type AttachmentRecord, attachmentColumns, toAttachment } from './attachment-row.js'
import { contentMatchesMimeType, sniffLength } from './content-sniffing.js'
import { type AttachmentMimeType, isAttachmentMimeType, normalizeMimeType } from './mime-types.js'
import { attachmentObjectPath, safeFilename } from './object-path.js'
import { retryIdempotent } from './retry.js'
import { type Attachment, AttachmentId, type AttachmentUpload, CreateAttachmentUploadInput } from './schema.js'
import { requireStorage } from './storage-port.js'

/**
 * `me.attachments.createUpload`: validates type and size, records an `uploading` row (the trip
 * must be visible, the chat message the user's), then asks storage for a signed upload target.
 * If storage fails, the row is deleted again (or reported as an orphan).
 *
 * @param access - the repository's shared access
 * @param input - the caller's {@link CreateAttachmentUploadInput}
 */
export async function createUpload(access: AttachmentAccess, input: unknown): Promise<AttachmentUpload> {
  const { settings, ports, run } = access
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
        issues: [{ path: 'size', code: 'too_big', message: `size must be at most ${settings.maxFileSize} bytes` }],
        maxFileSize: settings.maxFileSize,
      },
    })
  }
  const store = requireStorage(ports)
  const owner = access.userId()
  const id = crypto.randomUUID()
  const filename = safeFilename(parsed.filename, mimeType)
  const path = attachmentObjectPath(owner, id, filename)

  // Metadata first: an object never exists without its row. The reads before the insert only
  // choose the error (the insert's policy and foreign keys still decide), so each statement may
  // commit on its own.
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
}

/**
 * `me.attachments.complete`: checks the stored (or given) bytes against the declared size and
 * type, then finishes the row as the service, for this owner's row only. A mismatch marks the
 * upload `failed`, deletes the object and throws `validation`.
 *
 * @param access - the repository's shared access
 * @param id - the attachment id
 * @param bytes - the file, when the server uploads it itself
 */
export async function completeUpload(access: AttachmentAccess, id: string, bytes?: BlobBody): Promise<Attachment> {
  const { scope, ports, run } = access
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
  const row = await access.ownRow(attachmentId)
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
    if (data.byteLength !== size) await reject(access, store, row, 'size_mismatch')
    if (!contentMatchesMimeType(mimeType, data.subarray(0, sniffLength))) {
      await reject(access, store, row, 'content_mismatch')
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
    if (info.size !== size) await reject(access, store, row, 'size_mismatch')
    if (normalizeMimeType(info.contentType ?? '') !== mimeType)
      await reject(access, store, row, 'content_type_mismatch')
    const head = await store.read(row.file_path, { maxBytes: sniffLength })
    if (!head) {
      throw new ConflictError('The file has not been uploaded yet', {
        details: { reason: 'not_uploaded', attachmentId },
      })
    }
    if (!contentMatchesMimeType(mimeType, head)) await reject(access, store, row, 'content_mismatch')
  }

  // Only the verification path may mark an upload completed (the file_attachments guard refuses
  // it to users): it finishes the row as the service, for this owner's row only.
  const completed = await run(
    (trx) =>
      trx
        .updateTable('file_attachments')
        .set({ upload_status: 'completed' })
        .where('id', '=', attachmentId)
        .where('user_id', '=', row.user_id)
        .where('upload_status', '=', 'uploading')
        .returning(attachmentColumns)
        .executeTakeFirst(),
    access.service,
  )
  if (completed) return toAttachment(completed)
  // Someone else moved it on meanwhile: completed is fine, anything else is a conflict.
  const current = await access.ownRow(attachmentId)
  if (current.upload_status === 'completed') return toAttachment(current)
  throw new ConflictError('This upload failed; create a new one', { details: { attachmentId } })
}

/** Marks the upload failed, deletes its object (best effort: the row still points at it), then throws. */
async function reject(access: AttachmentAccess, store: BlobStore, row: AttachmentRecord, reason: string) {
  await access.run((trx) =>
    trx
      .updateTable('file_attachments')
      .set({ upload_status: 'failed' })
      .where('id', '=', row.id)
      .where('upload_status', '=', 'uploading')
      .execute(),
  )
  await retryIdempotent(() => store.remove([row.file_path])).catch(() => undefined)
  throw new ValidationError('The uploaded file does not match its declared size or type', {
    details: { reason, attachmentId: row.id },
  })
}

/** Postgres refuses NUL in text; other control characters have no place in a display name either. */
function displayName(original: string): string {
  const cleaned = original.replace(/\p{Cc}/gu, '')
  return cleaned.length > 0 ? cleaned : 'file'
}

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== 'undefined' && value instanceof Blob
}
