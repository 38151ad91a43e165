import type { TripSageOptions } from '../client.js'
import { TripSageError } from '../errors.js'
import type { BlobStore } from '../storage/blob-store.js'

/**
 * The configured storage port, or an `internal` error saying how to configure one (a setup
 * mistake, not a runtime condition).
 *
 * @param ports - the options passed to `createTripSage`
 */
export function requireStorage(ports: TripSageOptions): BlobStore {
  if (!ports.storage) {
    throw new TripSageError(
      'internal',
      'No storage configured: pass createTripSage({ storage: supabaseStorage(client) }) or fileSystemStorage(…)',
    )
  }
  return ports.storage
}
