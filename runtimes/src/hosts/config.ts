import type { SigningKeys } from '@tripsage/jobs'
import type { DriverName } from '../drivers/database.ts'

/** What every host entry reads from its environment (the host's own API: env, bindings). */
export interface HostConfig {
  /** The Postgres connection string. */
  databaseUrl: string
  /** `pg`, `postgres.js` or (on Bun) `bun:sql`. */
  driver: DriverName
  /** The QStash signing keys. */
  signingKeys: SigningKeys
  /** The memory-sync route's public URL. */
  jobUrl: string
}

/**
 * Reads the host configuration through the host's own getter (`process.env`, `Deno.env.get`,
 * a Worker's `env`): the SDK itself never reads the environment.
 *
 * @param get - returns one variable, or undefined
 */
export function readHostConfig(get: (name: string) => string | undefined): HostConfig {
  const need = (name: string) => {
    const value = get(name)
    if (!value) throw new Error(`${name} is not set`)
    return value
  }
  const driver = get('TRIPSAGE_DRIVER') ?? 'postgres.js'
  if (driver !== 'pg' && driver !== 'postgres.js' && driver !== 'bun:sql')
    throw new Error(`unknown TRIPSAGE_DRIVER ${driver}`)
  return {
    databaseUrl: need('TRIPSAGE_DATABASE_URL'),
    driver,
    signingKeys: {
      currentSigningKey: need('QSTASH_CURRENT_SIGNING_KEY'),
      nextSigningKey: need('QSTASH_NEXT_SIGNING_KEY'),
    },
    jobUrl: need('TRIPSAGE_JOB_URL'),
  }
}
