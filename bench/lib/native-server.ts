/**
 * The native tier's PostgreSQL 15 + pgvector for the benchmarks: a throwaway server on a free
 * loopback port (`startPostgresServer()` from `@tripsage/testing`), the platform stand-ins, then
 * every migration applied by the real Supabase CLI, as the native test tier's global setup does.
 * `TRIPSAGE_TEST_DATABASE_URL` points it at a server of your own instead (a `bench_<pid>` database
 * is created there and dropped at the end).
 */
import { sql } from 'kysely'
import { applyPlatform } from '../../packages/core/src/db/platform.js'
import { startPostgresServer } from '../../packages/testing/src/postgres-server.js'
import { onDatabase, withDatabase } from '../../scripts/native/connections.js'
import { cliUrl, supabaseCli } from '../../scripts/native/supabase-cli.js'
import { nativeTestTier } from '../../scripts/native/tier.js'

/** A migrated database on a native server. */
export interface NativeBenchDatabase {
  /** Superuser URL of the migrated database. */
  readonly url: string
  /** Drops the database, or stops the server this started. */
  stop(): Promise<void>
}

/** Why the native tier cannot run here, or null when it can. */
export function nativeUnavailable(): string | null {
  const tier = nativeTestTier()
  if (!tier.enabled) return tier.reason
  if (tier.buildPgvector) return 'pgvector is not installed (the native test tier builds it: run its tests once)'
  return null
}

/** Starts (or connects to) the native server and migrates a fresh database. */
export async function startNativeDatabase(): Promise<NativeBenchDatabase> {
  const tier = nativeTestTier()
  if (!tier.enabled) throw new Error(`native tier: ${tier.reason}`)
  const own = tier.serverUrl ? null : await startPostgresServer()
  const serverUrl = tier.serverUrl ?? (own as NonNullable<typeof own>).url
  const name = `bench_${process.pid}`
  const url = withDatabase(serverUrl, name)
  try {
    await onDatabase(serverUrl, async (db) => {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(db)
      await sql`create database ${sql.id(name)}`.execute(db)
    })
    await onDatabase(url, (db) => applyPlatform(db))
    await supabaseCli(['db', 'push', '--db-url', cliUrl(url), '--yes'])
  } catch (error) {
    await own?.stop()
    throw error
  }
  return {
    url,
    async stop() {
      if (own) return own.stop()
      await onDatabase(serverUrl, (db) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(db))
    },
  }
}
