/**
 * Node: `node src/hosts/node.ts` (type stripping). Serves the app with `node:http` through
 * `@tripsage/jobs/node`'s `Request → Response` adapter, and prints `listening <url>`.
 */
import { createServer } from 'node:http'
import { toNodeListener } from '@tripsage/jobs/node'
import { createRuntimeApp } from '../app.ts'
import { readHostConfig } from './config.ts'
import { openDatabase } from './open-database.ts'

const config = readHostConfig((name) => process.env[name])
const database = await openDatabase(config.driver, config.databaseUrl)
const app = createRuntimeApp({ ...config, db: database.db, host: `node ${process.version} (${config.driver})` })
const server = createServer(toNodeListener(app))
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (typeof address === 'object' && address) console.log(`listening http://127.0.0.1:${address.port}`)
})
process.once('SIGTERM', () => {
  server.close()
  void database.close().finally(() => process.exit(0))
})
