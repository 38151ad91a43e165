/**
 * Deno, written as a Supabase Edge Function is: `Deno.serve(handler)`, postgres.js through
 * `kysely-postgres-js` with `prepare: false`, variables from `Deno.env`. Run it with
 * `deno run --allow-net --allow-env --allow-read src/hosts/deno-edge-function.ts` (no
 * `--unstable-sloppy-imports`: every relative import names its file, and the packages resolve
 * to their built `dist/` through their exports maps). Prints `listening <url>`.
 */
import { createRuntimeApp } from '../app.ts'
import { openPostgresJsDatabase } from '../drivers/postgres-js.ts'
import { readHostConfig } from './config.ts'

/** The slice of Deno's global this entry uses (the repo does not install Deno's types). */
declare const Deno: {
  version: { deno: string }
  env: { get(name: string): string | undefined }
  serve(
    options: { port: number; hostname: string; onListen(address: { port: number }): void },
    handler: (req: Request) => Promise<Response>,
  ): { finished: Promise<void> }
}

const config = readHostConfig((name) => Deno.env.get(name))
// A Supabase Edge Function opens its client once per isolate, outside the handler.
const database = openPostgresJsDatabase(config.databaseUrl)
const app = createRuntimeApp({ ...config, db: database.db, host: `deno ${Deno.version.deno} (postgres.js)` })
Deno.serve(
  { port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log(`listening http://127.0.0.1:${port}`) },
  app,
)
