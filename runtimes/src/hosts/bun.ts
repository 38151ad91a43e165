/**
 * Bun: `bun src/hosts/bun.ts`. Serves the app with `Bun.serve` and prints `listening <url>`.
 */
import { createRuntimeApp } from '../app.ts'
import { readHostConfig } from './config.ts'
import { openDatabase } from './open-database.ts'

/** The slice of Bun's global this entry uses (the repo does not install bun-types). */
declare const Bun: {
  version: string
  serve(options: { port: number; hostname: string; fetch: (req: Request) => Promise<Response> }): {
    port: number
    stop(): void
  }
}

const config = readHostConfig((name) => process.env[name])
const database = await openDatabase(config.driver, config.databaseUrl)
const app = createRuntimeApp({ ...config, db: database.db, host: `bun ${Bun.version} (${config.driver})` })
const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: app })
console.log(`listening http://127.0.0.1:${server.port}`)
process.once('SIGTERM', () => {
  server.stop()
  void database.close().finally(() => process.exit(0))
})
