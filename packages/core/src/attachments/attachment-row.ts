import type { Selectable } from 'kysely'
import type { TripSageDatabase } from '../db/schema.js'
import type { Attachment, UploadStatus, VirusScanStatus } from './schema.js'

/** A `file_attachments` row as selected. */
export type AttachmentRow = Selectable<TripSageDatabase['file_attachments']>

/** The columns every attachment query selects (never `virus_scan_result`, which is the scanner's). */
export const attachmentColumns = [
  'id',
  'user_id',
  'trip_id',
  'chat_message_id',
  'filename',
  'original_filename',
  'file_size',
  'mime_type',
  'bucket_name',
  'file_path',
  'upload_status',
  'virus_scan_status',
  'created_at',
  'updated_at',
] as const

/** The selected columns of an attachment row. */
export type AttachmentRecord = Pick<AttachmentRow, (typeof attachmentColumns)[number]>

/** A timestamp column as ISO 8601 (drivers return `Date`; the generated types say `string`). */
export function isoTimestamp(value: unknown): string {
  return (value instanceof Date ? value : new Date(String(value))).toISOString()
}

/** Maps a row to its entity, once. `file_size` is a bigint: `pg` returns it as a string. */
export function toAttachment(row: AttachmentRecord): Attachment {
  return {
    id: row.id,
    userId: row.user_id,
    tripId: row.trip_id,
    chatMessageId: row.chat_message_id,
    filename: row.filename,
    originalFilename: row.original_filename,
    size: Number(row.file_size),
    mimeType: row.mime_type,
    bucket: row.bucket_name,
    path: row.file_path,
    uploadStatus: row.upload_status as UploadStatus,
    virusScanStatus: row.virus_scan_status as VirusScanStatus,
    createdAt: isoTimestamp(row.created_at),
    updatedAt: isoTimestamp(row.updated_at),
  }
}
