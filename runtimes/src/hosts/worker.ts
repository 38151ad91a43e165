/**
 * Cloudflare Workers (workerd): a module Worker. postgres.js resolves to its `workerd` build and
 * connects through `cloudflare:sockets`; it needs the `nodejs_compat` flag for itself (Buffer,
 * streams), while the SDK's own modules import no `node:` module at all (the test checks the
 * bundle's inputs). Workers may not share I/O objects between requests, so each request opens
 * its own postgres.js client and closes it after the response (Hyperdrive pools for you).
 */
import { createRuntimeApp } from '../app.ts'
import { openPostgresJsDatabase } from '../drivers/postgres-js.ts'
import { readHostConfig } from './config.ts'

/** The Worker's bindings (plain-text variables). */
type Env = Record<string, string | undefined>

/** The slice of the Workers `ExecutionContext` this entry uses. */
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void
}

export default {
  async fetch(req: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const config = readHostConfig((name) => env[name])
    const database = openPostgresJsDatabase(config.databaseUrl)
    try {
      return await createRuntimeApp({ ...config, db: database.db, host: 'workerd (postgres.js)' })(req)
    } finally {
      ctx.waitUntil(database.close())
    }
  },
}
