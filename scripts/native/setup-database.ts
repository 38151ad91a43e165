/**
 * Vitest `setupFiles` entry of the native projects: `createTestDatabase()` from `@tripsage/testing`
 * returns a clone of the template the global setup migrated, through the project's driver.
 */
import { configureTestDatabases, type NativeConnector, pgPoolConnector } from '@tripsage/testing'
import pg from 'pg'
import { beforeEach, inject } from 'vitest'
import type { NativeDriver } from './global-setup.js'

const connectors: Record<NativeDriver, NativeConnector> = {
  pg: pgPoolConnector(pg.Pool),
  'pg-pipeline': pgPoolConnector(pg.Pool, { pipeline: true }),
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
