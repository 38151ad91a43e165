import type { TracerLike } from '../telemetry.js'
import type { KeysOptions } from './schema.js'

/**
 * What the keys domain reads from `createTripSage`'s options: its settings and the tracer. The
 * client passes its options; nothing here knows the rest of them.
 */
export interface KeysPorts {
  /** BYOK limits: allowed services, key lengths. */
  readonly keys?: KeysOptions
  /** Spans of the key operations. */
  readonly tracer?: TracerLike
}
