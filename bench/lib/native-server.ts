/**
 * The native tier's PostgreSQL 15 + pgvector for the benchmarks: a throwaway server on a free
 * loopback port (`startPostgresServer()` from `@tripsage/testing`), the platform stand-ins, then
 * every migration applied by the real Supabase CLI, as the native test tier's global setup does.
 * `TRIPSAGE_TEST_DATABASE_URL` points it at a server of your own instead (a `bench_<pid>` database
 * is created there and dropped at the end).
 */
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { applyPlatform } from '../../packages/core/src/db/platform.js'
import { startPostgresServer } from '../../packages/testing/src/postgres-server.js'
import { onDatabase, withDatabase } from '../../scripts/native/connections.js'
import { cliUrl, supabaseCli } from '../../scripts/native/supabase-cli.js'
import { nativeTestTier } from '../../scripts/native/tier.js'
import { writeResult } from './results.js'

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

/** A migrated native database and one superuser session on it (temp tables need one connection). */
export interface NativeBenchSession {
  readonly native: NativeBenchDatabase
  /** Kysely over a `pg` pool of one connection. */
  readonly db: Kysely<any>
  /** Closes the session, then stops the server (or drops the database). */
  close(): Promise<void>
}

/** Starts the native database and opens one session on it (what the vector suites set up). */
export async function openNativeSession(): Promise<NativeBenchSession> {
  const native = await startNativeDatabase()
  const db = new Kysely<any>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: native.url, max: 1 }) }),
  })
  return {
    native,
    db,
    async close() {
      await db.destroy()
      await native.stop()
    },
  }
}

/**
 * When the native tier cannot run here: writes a "not run" result for the suite (so the report says
 * why) and exits 0; otherwise returns.
 */
export async function skipWithoutNative(name: string, title: string, quick: boolean): Promise<void> {
  const why = nativeUnavailable()
  if (!why) return
  await writeResult({
    name,
    title,
    mode: quick ? 'quick' : 'full',
    setup: 'not run',
    tables: [],
    checks: [],
    notes: [`native PostgreSQL unavailable: ${why}`],
  })
  process.exit(0)
}
