/**
 * Vitest global setup of the native projects: one PostgreSQL server for the whole run (shared by
 * every native project), the platform stand-ins, then the migrations applied by the real Supabase
 * CLI (`supabase db push --db-url`) into a template database. Each test file then gets its own
 * `CREATE DATABASE … TEMPLATE` clone (see `scripts/native/setup-database.ts`).
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import type { TestProject } from 'vitest/node'
// Source paths, not package names: Vitest loads a global setup outside the projects' resolve
// conditions, where `@tripsage/*` would resolve to their (unbuilt) dist.
import { applyPlatform } from '../../packages/core/src/db/platform.js'
import { startPostgresServer } from '../../packages/testing/src/postgres-server.js'
import { repoRoot } from '../sql-bundle.js'
import { onDatabase, withDatabase } from './connections.js'
import { cliUrl, supabaseCli } from './supabase-cli.js'
import { nativeTestTier } from './tier.js'

const run = promisify(execFile)

interface NativeServer {
  readonly serverUrl: string
  readonly templateUrl: string
  users: number
  stop(): Promise<void>
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the migrated template database. */
    tripsageNativeTemplateUrl: string
    /** The driver a native project tests (see scripts/native/setup-database.ts). */
    tripsageNativeDriver: NativeDriver
  }
}

/** The drivers a native project can run the suite through. */
export type NativeDriver = 'pg' | 'postgres-js' | 'pg-kysely'

// Every native project's global setup runs in the main process: share one server between them.
const shared = Symbol.for('tripsage.nativeServer')
type Holder = { [shared]?: Promise<NativeServer> }

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const holder = globalThis as Holder
  holder[shared] ??= startNativeServer()
  const server = await holder[shared]
  server.users++
  project.provide('tripsageNativeTemplateUrl', server.templateUrl)
  return async () => {
    if (--server.users > 0) return
    delete holder[shared]
    await server.stop()
  }
}

async function startNativeServer(): Promise<NativeServer> {
  const tier = nativeTestTier()
  if (!tier.enabled) throw new Error(`native test tier: ${tier.reason}`)
  const started = performance.now()
  if (tier.buildPgvector) await run(join(repoRoot, 'scripts/native/install-pgvector.sh'))
  // Every native file of every native project holds connections to this one server at once
  // (vitest.config.ts runs several files in parallel): room for all of them.
  const own = tier.serverUrl ? null : await startPostgresServer({ maxConnections: 300 })
  const serverUrl = tier.serverUrl ?? (own as NonNullable<typeof own>).url
  const templateName = `tripsage_template_${process.pid}`
  const templateUrl = withDatabase(serverUrl, templateName)
  await onDatabase(serverUrl, async (db) => {
    await sql`drop database if exists ${sql.id(templateName)} with (force)`.execute(db)
    await sql`create database ${sql.id(templateName)}`.execute(db)
  })
  await onDatabase(templateUrl, (db) => applyPlatform(db))
  await supabaseCli(['db', 'push', '--db-url', cliUrl(templateUrl), '--yes'])
  console.info(
    `native test tier: PostgreSQL ${own ? `${own.port} (started here)` : 'from TRIPSAGE_TEST_DATABASE_URL'}, template ${templateName} by \`supabase db push\` in ${Math.round(performance.now() - started)} ms`,
  )
  return {
    serverUrl,
    templateUrl,
    users: 0,
    async stop() {
      if (own) return own.stop()
      await onDatabase(serverUrl, (db) => sql`drop database if exists ${sql.id(templateName)} with (force)`.execute(db))
    },
  }
}
