import type { BlobStore } from '../storage/blob-store.js'
import type { TracerLike } from '../telemetry.js'
import type { AttachmentsOptions } from './schema.js'

/**
 * What the attachments domain reads from `createTripSage`'s options: the object store, its
 * settings and the tracer. The client passes its options; nothing here knows the rest of them.
 */
export interface AttachmentsPorts {
  /** Where the bytes live; object operations refuse without it. */
  readonly storage?: BlobStore
  /** Size, type and signed-URL limits. */
  readonly attachments?: AttachmentsOptions
  /** Spans of the attachment operations. */
  readonly tracer?: TracerLike
}
