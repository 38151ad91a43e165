import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { openEmbeddedDatabase } from '@tripsage/core/embedded'

/** Schemas the generated `Database` type covers. */
export const typegenSchemas = ['public']

/**
 * Generates database.types.ts the way `supabase gen types typescript` does: the postgres-meta
 * server in type-generation mode, pointed at a freshly migrated PGlite served over
 * pglite-socket (maxConnections ≥ 2: postgres-meta's pool holds more than one).
 */
export async function generateDatabaseTypes(): Promise<string> {
  const database = await openEmbeddedDatabase()
  const server = new PGLiteSocketServer({ db: database.pglite, host: '127.0.0.1', port: 0, maxConnections: 8 })
  await server.start()
  try {
    const conn = server.getServerConn() // host:port
    const metaMain = createRequire(import.meta.url).resolve('@supabase/postgres-meta')
    const serverJs = join(dirname(metaMain), '../server/server.js')
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [serverJs], {
        env: {
          PATH: process.env.PATH ?? '',
          PG_META_DB_URL: `postgresql://postgres:postgres@${conn}/postgres?sslmode=disable`,
          PG_META_GENERATE_TYPES: 'typescript',
          PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS: typegenSchemas.join(','),
          PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      let err = ''
      child.stdout.on('data', (d) => {
        out += d
      })
      child.stderr.on('data', (d) => {
        err += d
      })
      child.on('error', reject)
      child.on('close', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`postgres-meta typegen exited ${code}: ${err}`)),
      )
    })
    return `${output.trimEnd()}\n`
  } finally {
    await server.stop()
    await database.close()
  }
}
