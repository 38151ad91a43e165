import type { TripSageDatabase } from '@tripsage/core'
import type { Kysely } from 'kysely'

/** A database handle for a host, and how to close it. */
export interface RuntimeDatabase {
  /** Kysely over the host's driver. */
  db: Kysely<TripSageDatabase>
  /** Ends the driver's connections. */
  close(): Promise<void>
}

/** The drivers a host may run. */
export type DriverName = 'pg' | 'postgres.js' | 'bun:sql'
