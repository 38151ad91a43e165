/**
 * The SDK for this app's route handlers, created once per server process. Embedded by default
 * (PGlite in ./.tripsage/next-db, attachments in ./.tripsage/next-files served by
 * /api/storage, rate limits in memory), so `pnpm --filter next-app dev` works offline; with
 * TRIPSAGE_DATABASE_URL, SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY it uses Postgres and Supabase
 * Storage, and claims come from Supabase Auth through @supabase/ssr.
 */
import {
  createRateLimiter,
  createTripSage,
  memoryKv,
  type RateLimiter,
  supabaseStorage,
  type TripSage,
  type TripSageDatabase,
} from '@tripsage/core'
import type { FileSystemStorage } from '@tripsage/core/storage/fs'
import type { Kysely } from 'kysely'

/** What the route handlers use. */
export interface AppServices {
  readonly mode: 'embedded' | 'supabase'
  readonly tripsage: TripSage
  readonly limiter: RateLimiter<string>
  /** The embedded storage (its signed URLs are served by /api/storage); null with Supabase Storage. */
  readonly fileStorage: FileSystemStorage | null
  /** The superuser database, embedded mode only: to create demo users (there is no Supabase Auth). */
  readonly adminDb: Kysely<TripSageDatabase> | null
}

const rules = {
  'app.session': { limit: 30, window: '60 s', failureMode: 'closed' },
  'chat.sessions': { limit: 60, window: '60 s', failureMode: 'closed' },
  'attachments.read': { limit: 120, window: '60 s', failureMode: 'open' },
  'storage.serve': { limit: 120, window: '60 s', failureMode: 'closed' },
} as const

async function create(): Promise<AppServices> {
  const env = process.env
  const limiter = createRateLimiter({ kv: memoryKv(), rules })
  if (env.TRIPSAGE_DATABASE_URL && env.SUPABASE_URL && env.SUPABASE_SERVICE_ROLE_KEY) {
    const [{ Kysely, PostgresDialect }, pg, { createClient }] = await Promise.all([
      import('kysely'),
      import('pg'),
      import('@supabase/supabase-js'),
    ])
    const db = new Kysely<TripSageDatabase>({
      dialect: new PostgresDialect({ pool: new pg.default.Pool({ connectionString: env.TRIPSAGE_DATABASE_URL }) }),
    })
    const supabase = createClient(env.SUPABASE_URL, env.SUPABASE_SERVICE_ROLE_KEY, {
      auth: { persistSession: false, autoRefreshToken: false },
    })
    return {
      mode: 'supabase',
      tripsage: createTripSage({ db, storage: supabaseStorage(supabase) }),
      limiter,
      fileStorage: null,
      adminDb: null,
    }
  }
  const [{ openEmbeddedDatabase }, { fileSystemStorage }] = await Promise.all([
    import('@tripsage/core/embedded'),
    import('@tripsage/core/storage/fs'),
  ])
  const { db } = await openEmbeddedDatabase({ dataDir: env.TRIPSAGE_DATA_DIR ?? './.tripsage/next-db' })
  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT ?? 3000}`
  const storage = fileSystemStorage({
    dir: env.TRIPSAGE_FILES_DIR ?? './.tripsage/next-files',
    // A fixed development secret keeps signed URLs valid across restarts; set your own in production.
    signingSecret: env.TRIPSAGE_SIGNING_SECRET ?? 'development-only-signing-secret-0123456789',
    baseUrl: `${publicUrl}/api/storage`,
  })
  return { mode: 'embedded', tripsage: createTripSage({ db, storage }), limiter, fileStorage: storage, adminDb: db }
}

// One instance per process, kept on globalThis so `next dev` reloads reuse the open database.
const holder = globalThis as typeof globalThis & { __tripsage?: Promise<AppServices> }

/** The app's services, created on first use. */
export function getTripSage(): Promise<AppServices> {
  holder.__tripsage ??= create()
  return holder.__tripsage
}
