import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { closedPort } from './faults.test-support.js'
import { migrate } from './migrate.js'
import { applyPlatform } from './platform.js'
import type { TripSageDatabase } from './schema.js'

const run = promisify(execFile)

/**
 * A PostgreSQL 15 cluster of its own (never the native tier's shared server) that a test may
 * restart: `pg_ctl` manages it, on a free loopback port, in a temp dir, with the platform
 * stand-ins and every migration applied.
 */
export interface RestartableCluster {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string
  /** A superuser pool outside the SDK (its idle clients may die in a restart: errors ignored). */
  readonly admin: pg.Pool
  /** `pg_ctl restart -m <mode> -w`: every backend ends, connections are refused, then it is back. */
  restart(mode: 'fast' | 'immediate'): Promise<void>
  /** Stops the server and deletes the cluster. */
  stop(): Promise<void>
}

/** Starts a {@link RestartableCluster} (initdb, `pg_ctl start`, platform SQL, migrations). */
export async function startRestartableCluster(): Promise<RestartableCluster> {
  const bin = postgresBin()
  const root = await mkdtemp(join(tmpdir(), 'tripsage-faults-pg-'))
  const dataDir = join(root, 'data')
  // PostgreSQL refuses to run as root: as root, run its programs as the `postgres` OS user.
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim())
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim())
    await chmod(root, 0o700)
    await chown(root, uid, gid)
  }
  const pgRun = (program: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, program), ...args]) : run(join(bin, program), args)
  await pgRun('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'])
  const port = await closedPort()
  const serverOptions = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`
  const pgCtl = (...args: string[]) => pgRun('pg_ctl', ['-D', dataDir, '-l', join(root, 'log'), ...args])
  await pgCtl('-o', serverOptions, '-w', 'start')
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`
  const admin = new pg.Pool({ connectionString: url, max: 2, application_name: 'tripsage-faults-admin' })
  admin.on('error', () => undefined)
  try {
    const db = new Kysely<TripSageDatabase>({ dialect: new PostgresDialect({ pool: admin }) })
    await applyPlatform(db)
    await migrate(db)
  } catch (error) {
    await admin.end()
    await pgCtl('-m', 'immediate', '-w', 'stop').catch(() => undefined)
    await rm(root, { recursive: true, force: true })
    throw error
  }
  return {
    url,
    admin,
    async restart(mode) {
      await pgCtl('-m', mode, '-w', 'restart')
    },
    async stop() {
      await admin.end()
      await pgCtl('-m', 'immediate', '-w', 'stop').catch(() => undefined)
      await rm(root, { recursive: true, force: true })
    },
  }
}

function postgresBin(): string {
  const base = '/usr/lib/postgresql'
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : []
  for (const version of versions) {
    if (existsSync(join(base, version, 'bin', 'pg_ctl'))) return join(base, version, 'bin')
  }
  throw new Error('PostgreSQL server binaries not found: install the Debian package `postgresql`')
}
