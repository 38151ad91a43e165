import { TripSageError } from '../errors.js'
import type { BlobStore } from '../storage/blob-store.js'
import type { AttachmentsPorts } from './ports.js'

/**
 * The configured storage port, or an `internal` error saying how to configure one (a setup
 * mistake, not a runtime condition).
 *
 * @param ports - the options passed to `createTripSage`
 */
export function requireStorage(ports: AttachmentsPorts): BlobStore {
  if (!ports.storage) {
    throw new TripSageError(
      'internal',
      'No storage configured: pass createTripSage({ storage: supabaseStorage(client) }) or fileSystemStorage(…)',
    )
  }
  return ports.storage
}
