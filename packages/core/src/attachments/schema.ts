import { z } from 'zod'
import { PageLimit } from '../pagination.js'
import type { SignedUploadTarget } from '../storage/blob-store.js'
import { attachmentMimeTypes } from './mime-types.js'

/** An attachment id (a UUID). */
export const AttachmentId = z.uuid({ error: 'must be an attachment id (a UUID)' })

/**
 * Input of `me.attachments.createUpload`. `mimeType` is normalised (`image/jpg` → `image/jpeg`) and
 * must be in the configured allowlist; `size` (bytes) must not exceed the configured maximum.
 */
export const CreateAttachmentUploadInput = z.strictObject({
  /** Attach to a trip the user can edit. */
  tripId: z.uuid().optional(),
  /** Attach to one of the user's own chat messages. */
  chatMessageId: z.uuid().optional(),
  /** The user's file name; display only, a safe name is derived for the object key. */
  filename: z.string().min(1).max(1024),
  /** The declared type; the uploaded bytes are checked against it on `complete`. */
  mimeType: z.string().min(3).max(255),
  /** The declared size in bytes; the stored object must have exactly this size. */
  size: z.number().int().positive(),
})
/** Input of `me.attachments.createUpload`; see {@link CreateAttachmentUploadInput}. */
export type CreateAttachmentUploadInput = z.input<typeof CreateAttachmentUploadInput>

/** Options of `me.attachments.signedUrl`. */
export const AttachmentSignedUrlOptions = z.strictObject({
  /** Lifetime in seconds; at most the configured `maxSignedUrlTtl` (default 1 h). */
  expiresIn: z.number().int().min(1).optional(),
  /** Download as a file (`true`: its safe name; a string: that name, made safe) instead of inline. */
  download: z.union([z.boolean(), z.string().min(1).max(1024)]).optional(),
})
/** Options of `me.attachments.signedUrl`; see {@link AttachmentSignedUrlOptions}. */
export type AttachmentSignedUrlOptions = z.input<typeof AttachmentSignedUrlOptions>

/**
 * Input of `me.attachments.list`: the attachments of one trip, or of one chat message, or — with
 * neither — the user's own uploads. Newest first.
 */
export const ListAttachmentsInput = z
  .strictObject({
    /** Only this trip's attachments. */
    tripId: z.uuid().optional(),
    /** Only this chat message's attachments (not with `tripId`). */
    chatMessageId: z.uuid().optional(),
    /** Page size, 1–100 (default 20). */
    limit: PageLimit,
    /** `nextCursor` of the previous page. */
    cursor: z.string().min(1).max(512).optional(),
  })
  .refine((input) => !(input.tripId && input.chatMessageId), {
    error: 'pass tripId or chatMessageId, not both',
    path: ['chatMessageId'],
  })
/** Input of `me.attachments.list`; see {@link ListAttachmentsInput}. */
export type ListAttachmentsInput = z.input<typeof ListAttachmentsInput>

/** The virus scan outcomes. */
export const virusScanStatuses = ['pending', 'clean', 'infected', 'failed'] as const
/** One of {@link virusScanStatuses}. */
export type VirusScanStatus = (typeof virusScanStatuses)[number]

/** Input of `tripsage.service.attachments.setScanResult`. */
export const AttachmentScanResult = z.strictObject({
  /** `infected` files never get a signed URL again. */
  status: z.enum(virusScanStatuses),
  /** The scanner's report (engine, signature name…), stored as JSON. */
  result: z.record(z.string(), z.unknown()).optional(),
})
/** Input of `tripsage.service.attachments.setScanResult`; see {@link AttachmentScanResult}. */
export type AttachmentScanResult = z.input<typeof AttachmentScanResult>

/** Input of `tripsage.service.attachments.purgeStaleUploads`. */
export const PurgeStaleUploadsInput = z.strictObject({
  /**
   * Age in seconds (since creation) after which an `uploading` row (never completed) or a `failed` row is purged
   * with its object. Default 3 h: longer than Supabase's 2 h signed upload URLs.
   */
  olderThanSeconds: z
    .number()
    .int()
    .min(60)
    .default(3 * 60 * 60),
  /** How many to purge in one call (default 100). */
  limit: z.number().int().min(1).max(1000).default(100),
})
/** Input of `tripsage.service.attachments.purgeStaleUploads`; see {@link PurgeStaleUploadsInput}. */
export type PurgeStaleUploadsInput = z.input<typeof PurgeStaleUploadsInput>

/** Input of `tripsage.service.attachments.deleteQueuedObjects`. */
export const DeleteQueuedObjectsInput = z.strictObject({
  /** Most objects per call (default 100). */
  limit: z.number().int().min(1).max(1000).default(100),
  /** Seconds a run holds its rows (default 60): after that, another run may take them. */
  leaseSeconds: z.number().int().min(1).max(3600).default(60),
})
/** Input of `tripsage.service.attachments.deleteQueuedObjects`; see {@link DeleteQueuedObjectsInput}. */
export type DeleteQueuedObjectsInput = z.input<typeof DeleteQueuedObjectsInput>

/**
 * Attachment settings: `createTripSage({ attachments })`. The defaults match the `attachments`
 * bucket (10 MiB; images, PDF, plain text, CSV, Word). Raising `maxFileSize` above the bucket's
 * `file_size_limit` needs a migration that raises that too.
 */
export const AttachmentsOptions = z.strictObject({
  /** Largest accepted upload in bytes (default 10 MiB). */
  maxFileSize: z
    .number()
    .int()
    .min(1)
    .default(10 * 1024 * 1024),
  /** Accepted types (default: all of `attachmentMimeTypes`); only those the SDK can verify. */
  allowedMimeTypes: z
    .array(z.enum(attachmentMimeTypes))
    .min(1)
    .default([...attachmentMimeTypes]),
  /** Longest signed download URL lifetime in seconds (default 3600). */
  maxSignedUrlTtl: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60 * 60)
    .default(60 * 60),
  /** Lifetime of a signed download URL when `expiresIn` is omitted (default 300 s, capped at the maximum). */
  defaultSignedUrlTtl: z.number().int().min(1).default(300),
  /** Refuse signed URLs until the scanner marked the file `clean` (default false: only `infected` is refused). */
  requireCleanScan: z.boolean().default(false),
})
/** Attachment settings as passed to `createTripSage`; see {@link AttachmentsOptions}. */
export type AttachmentsOptions = z.input<typeof AttachmentsOptions>
/** Attachment settings with defaults applied. */
export type AttachmentsSettings = z.output<typeof AttachmentsOptions>

/** Where an upload is in its life. */
export type UploadStatus = 'uploading' | 'completed' | 'failed'

/** An attachment's metadata (the bytes are the Storage object `bucket`/`path`). */
export interface Attachment {
  /** The attachment id (UUID). */
  readonly id: string
  /** The owner. */
  readonly userId: string
  /** The trip it is attached to, if any. */
  readonly tripId: string | null
  /** The chat message it is attached to, if any. */
  readonly chatMessageId: string | null
  /** The safe name used in `path`. */
  readonly filename: string
  /** The name the user uploaded; display only (escape it when rendering). */
  readonly originalFilename: string
  /** Size in bytes. */
  readonly size: number
  /** The Content-Type, checked against the bytes on `complete`. */
  readonly mimeType: string
  /** The Storage bucket (`attachments`). */
  readonly bucket: string
  /** The object key: `{userId}/{id}/{filename}`. */
  readonly path: string
  /** Where the upload stands. */
  readonly uploadStatus: UploadStatus
  /** The virus scan outcome; `infected` files get no signed URL. */
  readonly virusScanStatus: VirusScanStatus
  /** ISO 8601. */
  readonly createdAt: string
  /** ISO 8601. */
  readonly updatedAt: string
}

/** What `me.attachments.createUpload` returns: the `uploading` row and where to put the bytes. */
export interface AttachmentUpload {
  /** The metadata row, `uploading` until `complete`. */
  readonly attachment: Attachment
  /** `PUT` the file here (or call `supabase.storage.from(bucket).uploadToSignedUrl(path, token, file)`). */
  readonly upload: SignedUploadTarget
}

/** What `tripsage.service.attachments.purgeStaleUploads` did. */
export interface PurgeStaleUploadsResult {
  /** Rows removed together with their objects. */
  readonly removed: number
  /** Rows left because their object could not be removed (retried on the next call). */
  readonly failed: number
}
