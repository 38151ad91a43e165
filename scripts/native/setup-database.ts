/**
 * Vitest `setupFiles` entry of the native projects: `createTestDatabase()` from `@tripsage/testing`
 * returns a clone of the template the global setup migrated, through the project's driver.
 */
import { createPostgresPool, pgDialect } from '@tripsage/core/pg'
import { postgresJsDialect } from '@tripsage/core/postgres-js'
import { configureTestDatabases, type NativeConnector, pgPoolConnector } from '@tripsage/testing'
import pg from 'pg'
import postgres from 'postgres'
import { beforeEach, inject } from 'vitest'
import type { NativeDriver } from './global-setup.js'

/** The wirings the docs show, as drivers of the native projects (4 connections per database). */
const connectors: Record<NativeDriver, NativeConnector> = {
  // `createPostgresPool` + `pgDialect`: pipeline mode, listeners for life (docs: production wiring).
  pg: (url) => {
    const pool = createPostgresPool({ connectionString: url, max: 4 })
    return {
      dialect: pgDialect({ pool }),
      end: async () => {
        if (!pool.ended) await pool.end()
      },
    }
  },
  // postgres.js through the SDK's dialect (Deno, Supabase Edge Functions, Bun).
  'postgres-js': (url) => {
    const sql = postgres(url, { max: 4, onnotice: () => undefined })
    return { dialect: postgresJsDialect(sql), end: () => sql.end({ timeout: 5 }) }
  },
  // Kysely's own PostgresDialect over a plain pg.Pool: what a user gets without the SDK's wiring.
  'pg-kysely': pgPoolConnector(pg.Pool),
}

configureTestDatabases({
  templateUrl: inject('tripsageNativeTemplateUrl'),
  connector: connectors[inject('tripsageNativeDriver')],
})

declare module 'vitest' {
  interface TaskMeta {
    /** Set on every test of a native project: the driver it ran through (`.ci/run` counts these). */
    tripsageNative?: NativeDriver
  }
}

// Marks each test in the JSON report, which names no project: `.ci/run` fails when none ran.
beforeEach(({ task }) => {
  task.meta.tripsageNative = inject('tripsageNativeDriver')
})
