/**
 * `pnpm --filter express-api start`: the API on http://localhost:3001 (PORT), embedded unless
 * TRIPSAGE_DATABASE_URL, SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY are set (see the README).
 */
import { createApp } from './app.js'
import { configFromEnv, createServices } from './services.js'

const port = Number(process.env.PORT ?? 3001)
const services = await createServices({
  ...configFromEnv(process.env, port),
  dataDir: process.env.TRIPSAGE_DATA_DIR ?? './.tripsage/express-db',
})
const server = createApp(services).listen(port, () => {
  console.log(`TripSage example API (${services.mode}) on http://localhost:${port} — OpenAPI at /openapi.json`)
})
const stop = () => server.close(() => void services.close().then(() => process.exit(0)))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
