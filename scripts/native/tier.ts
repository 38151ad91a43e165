/**
 * Whether this machine can run the native test tier (PostgreSQL 15 + pgvector), decided once when
 * Vitest loads its config. Reads the environment: this is test configuration, not library code.
 */
import { accessSync, constants, existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const PG_MAJOR = 15
export const PGVECTOR_VERSION = '0.8.0'
const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)))

/** The variable that points the native tier at a Postgres with pgvector of your own. */
export const SERVER_URL_VARIABLE = 'TRIPSAGE_TEST_DATABASE_URL'

/** What the native projects run against, or why they do not run. */
export type NativeTier =
  | {
      readonly enabled: true
      /** A superuser URL of the user's own server, or null to start Debian's PostgreSQL here. */
      readonly serverUrl: string | null
      /** pgvector is not installed yet but can be built from the vendored source (global setup does). */
      readonly buildPgvector: boolean
      /** `pg_prove` is on the PATH (the pgTAP suite runs natively too). */
      readonly pgProve: boolean
    }
  | { readonly enabled: false; readonly reason: string }

/** Decides the native tier from the machine and the environment. */
export function nativeTestTier(env: NodeJS.ProcessEnv = process.env): NativeTier {
  const pgProve = onPath('pg_prove', env)
  const serverUrl = env[SERVER_URL_VARIABLE]?.trim()
  if (serverUrl) return { enabled: true, serverUrl, buildPgvector: false, pgProve }
  const bin = `/usr/lib/postgresql/${PG_MAJOR}/bin`
  if (!existsSync(join(bin, 'postgres'))) {
    return { enabled: false, reason: `no PostgreSQL ${PG_MAJOR} server (apt-get install postgresql-${PG_MAJOR})` }
  }
  if (existsSync(`/usr/share/postgresql/${PG_MAJOR}/extension/vector.control`)) {
    return { enabled: true, serverUrl: null, buildPgvector: false, pgProve }
  }
  const missing = pgvectorBuildBlocker(env)
  if (missing) return { enabled: false, reason: `pgvector is not installed and cannot be built here: ${missing}` }
  return { enabled: true, serverUrl: null, buildPgvector: true, pgProve }
}

/** The vendored pgvector tarball: `$TRIPSAGE_VENDOR_DIR` or the nearest `shared/vendor` above the repository. */
export function vendoredPgvector(env: NodeJS.ProcessEnv = process.env): string | null {
  const file = `pgvector-${PGVECTOR_VERSION}.tar.gz`
  if (env.TRIPSAGE_VENDOR_DIR) {
    const path = join(env.TRIPSAGE_VENDOR_DIR, file)
    return existsSync(path) ? path : null
  }
  for (let dir = dirname(repoRoot); ; dir = dirname(dir)) {
    const path = join(dir, 'shared', 'vendor', file)
    if (existsSync(path)) return path
    if (dirname(dir) === dir) return null
  }
}

function pgvectorBuildBlocker(env: NodeJS.ProcessEnv): string | null {
  if (!vendoredPgvector(env)) return `no vendored pgvector-${PGVECTOR_VERSION}.tar.gz (../shared/vendor)`
  if (!existsSync(`/usr/lib/postgresql/${PG_MAJOR}/lib/pgxs/src/makefiles/pgxs.mk`)) {
    return `no postgresql-server-dev-${PG_MAJOR}`
  }
  if (!onPath('make', env) || !onPath('cc', env)) return 'no C toolchain (build-essential)'
  try {
    accessSync(`/usr/lib/postgresql/${PG_MAJOR}/lib`, constants.W_OK)
    accessSync(`/usr/share/postgresql/${PG_MAJOR}/extension`, constants.W_OK)
  } catch {
    return 'installing it needs root (run `sudo scripts/native/install-pgvector.sh` once)'
  }
  return null
}

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, command)))
}
