/**
 * The SDK for this app's route handlers, created once per server process. Embedded by default
 * (PGlite in ./.tripsage/next-db, attachments in ./.tripsage/next-files served by
 * /api/storage, rate limits in memory, the local embedder, memory-sync jobs on an in-process
 * queue that delivers to the same handler as /api/jobs/memory-sync), so `pnpm --filter next-app dev` works offline; with
 * TRIPSAGE_DATABASE_URL, SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY it uses Postgres and Supabase
 * Storage, and claims come from Supabase Auth through @supabase/ssr.
 */
import {
  createRateLimiter,
  createTripSage,
  type Embedder,
  localEmbedder,
  memoryKv,
  type RateLimiter,
  supabaseStorage,
  type TripSage,
  type TripSageDatabase,
} from '@tripsage/core'
import type { FileSystemStorage } from '@tripsage/core/storage/fs'
import {
  createEmbeddedQueue,
  createMemorySyncHandler,
  type EmbeddedQueue,
  type JobHandler,
  type JobPublisher,
} from '@tripsage/jobs'
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
  /** The memory-sync job: the handler of /api/jobs/memory-sync, its URL, and what publishes to it. */
  readonly memorySync: {
    readonly handler: JobHandler
    readonly url: string
    readonly publisher: JobPublisher
    /** The in-process queue (embedded jobs); null with QStash. */
    readonly queue: EmbeddedQueue | null
  }
}

const rules = {
  'app.session': { limit: 30, window: '60 s', failureMode: 'closed' },
  'chat.sessions': { limit: 60, window: '60 s', failureMode: 'closed' },
  'attachments.read': { limit: 120, window: '60 s', failureMode: 'open' },
  'storage.serve': { limit: 120, window: '60 s', failureMode: 'closed' },
  // One per open tab and topic set; EventSource reconnects count too.
  'realtime.subscribe': { limit: 60, window: '60 s', failureMode: 'open' },
} as const

/**
 * The memory-sync job: QStash when `QSTASH_TOKEN` and both signing keys are set (it delivers to
 * the deployed /api/jobs/memory-sync), else an in-process queue that signs every delivery with
 * real HS256 keys and calls the very handler that route exports.
 */
async function memorySyncFor(tripsage: TripSage, embedder: Embedder, publicUrl: string) {
  const env = process.env
  const url = `${publicUrl}/api/jobs/memory-sync`
  // Idempotency keys of deliveries; use Upstash Redis when several instances serve the route.
  const kv = memoryKv()
  if (env.QSTASH_TOKEN && env.QSTASH_CURRENT_SIGNING_KEY && env.QSTASH_NEXT_SIGNING_KEY) {
    const { Client } = await import('@upstash/qstash')
    const receiver = { currentSigningKey: env.QSTASH_CURRENT_SIGNING_KEY, nextSigningKey: env.QSTASH_NEXT_SIGNING_KEY }
    return {
      handler: createMemorySyncHandler({ tripsage, embedder, kv, receiver, url }),
      url,
      publisher: new Client({ token: env.QSTASH_TOKEN }),
      queue: null,
    }
  }
  const queue = createEmbeddedQueue()
  const handler = createMemorySyncHandler({ tripsage, embedder, kv, receiver: queue.signingKeys, url })
  queue.route(url, handler)
  return { handler, url, publisher: queue, queue }
}

async function create(): Promise<AppServices> {
  const env = process.env
  const limiter = createRateLimiter({ kv: memoryKv(), rules })
  // Offline and lexical (not semantic); pass `aiSdkEmbedder(...)` from @tripsage/core/ai-sdk for a real model.
  const embedder = localEmbedder()
  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT ?? 3000}`
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
    const tripsage = createTripSage({ db, storage: supabaseStorage(supabase), embedder })
    return {
      mode: 'supabase',
      tripsage,
      limiter,
      fileStorage: null,
      adminDb: null,
      memorySync: await memorySyncFor(tripsage, embedder, publicUrl),
    }
  }
  const [{ openEmbeddedDatabase }, { fileSystemStorage }] = await Promise.all([
    import('@tripsage/core/embedded'),
    import('@tripsage/core/storage/fs'),
  ])
  const { db } = await openEmbeddedDatabase({ dataDir: env.TRIPSAGE_DATA_DIR ?? './.tripsage/next-db' })
  const storage = fileSystemStorage({
    dir: env.TRIPSAGE_FILES_DIR ?? './.tripsage/next-files',
    // A fixed development secret keeps signed URLs valid across restarts; set your own in production.
    signingSecret: env.TRIPSAGE_SIGNING_SECRET ?? 'development-only-signing-secret-0123456789',
    baseUrl: `${publicUrl}/api/storage`,
  })
  const tripsage = createTripSage({ db, storage, embedder })
  return {
    mode: 'embedded',
    tripsage,
    limiter,
    fileStorage: storage,
    adminDb: db,
    memorySync: await memorySyncFor(tripsage, embedder, publicUrl),
  }
}

// One instance per process, kept on globalThis so `next dev` reloads reuse the open database.
const holder = globalThis as typeof globalThis & { __tripsage?: Promise<AppServices> }

/** The app's services, created on first use. */
export function getTripSage(): Promise<AppServices> {
  holder.__tripsage ??= create()
  return holder.__tripsage
}
