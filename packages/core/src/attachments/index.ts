export { contentMatchesMimeType, type SniffedKind, sniffContent, sniffLength } from './content-sniffing.js'
export {
  type AttachmentMimeType,
  attachmentMimeTypes,
  extensionsByMimeType,
  isAttachmentMimeType,
  normalizeMimeType,
} from './mime-types.js'
export { attachmentObjectPath, maxSafeFilenameLength, safeFilename } from './object-path.js'
export type { DeleteQueuedObjectsResult } from './queued-deletions.js'
export type { AttachmentsRepository } from './repository.js'
export {
  type Attachment,
  AttachmentId,
  AttachmentScanResult,
  AttachmentSignedUrlOptions,
  AttachmentsOptions,
  type AttachmentsSettings,
  type AttachmentUpload,
  CreateAttachmentUploadInput,
  DeleteQueuedObjectsInput,
  ListAttachmentsInput,
  PurgeStaleUploadsInput,
  type PurgeStaleUploadsResult,
  type UploadStatus,
  type VirusScanStatus,
  virusScanStatuses,
} from './schema.js'
export type { AttachmentsServiceRepository } from './service-repository.js'
