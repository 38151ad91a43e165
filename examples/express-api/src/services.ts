/**
 * What the API runs on. Embedded by default (PGlite on disk or in memory, attachments on disk,
 * rate limits in memory, claims from a dev bearer token); the real services when their
 * environment variables are set. Only this file reads `process.env`-style configuration: the SDK
 * never does.
 */
import { createClient } from '@supabase/supabase-js'
import {
  createRateLimiter,
  createTripSage,
  type Embedder,
  type KvStore,
  localEmbedder,
  memoryKv,
  type RateLimiter,
  type RedisLike,
  supabaseStorage,
  type TripSage,
  type UserClaims,
} from '@tripsage/core'
import { openEmbeddedDatabase } from '@tripsage/core/embedded'
import { createPostgresDatabase } from '@tripsage/core/pg'
import { type FileSystemStorage, fileSystemStorage } from '@tripsage/core/storage/fs'
import {
  createEmbeddedQueue,
  createMemorySyncHandler,
  type EmbeddedQueue,
  type JobHandler,
  type JobPublisher,
  type ReceiverOption,
} from '@tripsage/jobs'
import { createTestUser } from '@tripsage/testing'
import { Client as QstashClient } from '@upstash/qstash'
import { Redis } from '@upstash/redis'
import { apiRateLimitRules } from './rate-limits.js'

/** Turns the `Authorization` header into verified claims, or null when there is none / it is invalid. */
export type Authenticate = (authorization: string | undefined) => Promise<UserClaims | null>

/** Everything the routes need. */
export interface Services {
  /** `embedded` or `supabase`. */
  readonly mode: 'embedded' | 'supabase'
  readonly tripsage: TripSage
  readonly limiter: RateLimiter<string>
  readonly authenticate: Authenticate
  /** The embedded storage, whose signed URLs this API serves under `/storage`; null with Supabase Storage. */
  readonly fileStorage: FileSystemStorage | null
  /** Where `fileStorage`'s signed URLs point (`{publicUrl}/storage`); null with Supabase Storage. */
  readonly storageBaseUrl: string | null
  /** Embedded mode only: creates a user and returns a dev token for it (there is no Supabase Auth). */
  readonly createDevUser: ((email?: string) => Promise<{ id: string; token: string }>) | null
  /** The memory-sync job: its route handler, where it is reached, and what publishes to it. */
  readonly memorySync: MemorySyncJob
  close(): Promise<void>
}

/** The memory-sync job as wired in this API. */
export interface MemorySyncJob {
  /** `createMemorySyncHandler(...)`, mounted at `POST /jobs/memory-sync` through `@tripsage/jobs/express`. */
  readonly handler: JobHandler
  /** The job route's public URL: the `sub` of every delivery's signature, and the relay's destination. */
  readonly url: string
  /** Publishes jobs: the in-process queue, or QStash. */
  readonly publisher: JobPublisher
  /** The in-process queue when jobs run embedded (it calls `handler` directly); null with QStash. */
  readonly queue: EmbeddedQueue | null
}

/** Configuration, normally from the environment (see the README). */
export interface ServicesConfig {
  /** The URL clients reach this API at; signed storage URLs point below it. */
  publicUrl: string
  /** Embedded: where PGlite keeps its data (in memory when omitted). */
  dataDir?: string
  /** Embedded: where attachment bytes go. */
  filesDir: string
  /** Embedded: the HMAC secret of signed storage URLs (≥ 32 bytes). */
  signingSecret: string
  /** Real mode, all of the next three: Postgres, and Supabase for Storage and Auth. */
  databaseUrl?: string
  supabaseUrl?: string
  supabaseServiceRoleKey?: string
  /** Real mode: rate limits on Upstash instead of memory. */
  upstashUrl?: string
  upstashToken?: string
  /** Real jobs, all three: QStash publishes to `{publicUrl}/jobs/memory-sync` and signs deliveries. */
  qstashToken?: string
  qstashCurrentSigningKey?: string
  qstashNextSigningKey?: string
  /** The embedder of memories (default: `localEmbedder()`, offline and lexical — not semantic). */
  embedder?: Embedder
  /** Overrides of the rate-limit rules (tests use tiny limits). */
  rules?: Record<string, { limit: number; window: `${number} s` }>
}

/** Reads {@link ServicesConfig} from environment variables. */
export function configFromEnv(env: NodeJS.ProcessEnv, port: number): ServicesConfig {
  return {
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}`,
    ...(env.TRIPSAGE_DATA_DIR ? { dataDir: env.TRIPSAGE_DATA_DIR } : {}),
    filesDir: env.TRIPSAGE_FILES_DIR ?? './.tripsage/files',
    // A fixed development secret keeps signed URLs valid across restarts; set your own in production.
    signingSecret: env.TRIPSAGE_SIGNING_SECRET ?? 'development-only-signing-secret-0123456789',
    ...(env.TRIPSAGE_DATABASE_URL ? { databaseUrl: env.TRIPSAGE_DATABASE_URL } : {}),
    ...(env.SUPABASE_URL ? { supabaseUrl: env.SUPABASE_URL } : {}),
    ...(env.SUPABASE_SERVICE_ROLE_KEY ? { supabaseServiceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY } : {}),
    ...(env.UPSTASH_REDIS_REST_URL ? { upstashUrl: env.UPSTASH_REDIS_REST_URL } : {}),
    ...(env.UPSTASH_REDIS_REST_TOKEN ? { upstashToken: env.UPSTASH_REDIS_REST_TOKEN } : {}),
    ...(env.QSTASH_TOKEN ? { qstashToken: env.QSTASH_TOKEN } : {}),
    ...(env.QSTASH_CURRENT_SIGNING_KEY ? { qstashCurrentSigningKey: env.QSTASH_CURRENT_SIGNING_KEY } : {}),
    ...(env.QSTASH_NEXT_SIGNING_KEY ? { qstashNextSigningKey: env.QSTASH_NEXT_SIGNING_KEY } : {}),
  }
}

/**
 * Embedded-mode tokens are the claims themselves, base64url-encoded JSON. They prove nothing:
 * this path exists only without Supabase Auth, for development and tests.
 */
export function devToken(claims: UserClaims): string {
  return Buffer.from(JSON.stringify(claims)).toString('base64url')
}

function bearer(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
  return match?.[1] ?? null
}

/** The Upstash client when both of its variables are set. */
function redisFor(config: Pick<ServicesConfig, 'upstashUrl' | 'upstashToken'>): Redis | null {
  return config.upstashUrl && config.upstashToken
    ? new Redis({ url: config.upstashUrl, token: config.upstashToken })
    : null
}

/**
 * The API's rate limiter: the SDK's default rules plus {@link apiRateLimitRules} and
 * `config.rules`, on Upstash Redis when configured (shared by every instance), else in memory.
 */
export function rateLimiterFor(
  config: Pick<ServicesConfig, 'upstashUrl' | 'upstashToken' | 'rules'>,
  redis = redisFor(config),
): RateLimiter<string> {
  const rules = { ...apiRateLimitRules, ...config.rules }
  return redis ? createRateLimiter({ redis, rules }) : createRateLimiter({ kv: memoryKv(), rules })
}

/**
 * The memory-sync job: QStash when its token and both signing keys are set, else the in-process
 * queue, which signs every delivery with real HS256 keys and hands it to the same handler.
 */
function memorySyncFor(
  config: ServicesConfig,
  tripsage: TripSage,
  embedder: Embedder,
  kv: RedisLike | KvStore,
): MemorySyncJob {
  const url = `${config.publicUrl}/jobs/memory-sync`
  if (config.qstashToken && config.qstashCurrentSigningKey && config.qstashNextSigningKey) {
    const receiver: ReceiverOption = {
      currentSigningKey: config.qstashCurrentSigningKey,
      nextSigningKey: config.qstashNextSigningKey,
    }
    return {
      handler: createMemorySyncHandler({ tripsage, embedder, kv, receiver, url }),
      url,
      publisher: new QstashClient({ token: config.qstashToken }),
      queue: null,
    }
  }
  const queue = createEmbeddedQueue()
  const handler = createMemorySyncHandler({ tripsage, embedder, kv, receiver: queue.signingKeys, url })
  queue.route(url, handler)
  return { handler, url, publisher: queue, queue }
}

/** Opens the database and wires the SDK for `config`. */
export async function createServices(config: ServicesConfig): Promise<Services> {
  const redis = redisFor(config)
  const limiter = rateLimiterFor(config, redis)
  const embedder = config.embedder ?? localEmbedder()
  // The job route's idempotency store: shared Redis when configured (every instance must see it).
  const jobKv: RedisLike | KvStore = redis ?? memoryKv()
  if (config.databaseUrl && config.supabaseUrl && config.supabaseServiceRoleKey) {
    // Pipeline mode, keep-alive, timeouts and an 'error' listener on every connection: a backend
    // ended by the pooler or a restart is an `unavailable` error, never a crash.
    const db = createPostgresDatabase({ connectionString: config.databaseUrl })
    const supabase = createClient(config.supabaseUrl, config.supabaseServiceRoleKey, {
      auth: { persistSession: false, autoRefreshToken: false },
    })
    const tripsage = createTripSage({ db, storage: supabaseStorage(supabase), embedder })
    const memorySync = memorySyncFor(config, tripsage, embedder, jobKv)
    return {
      mode: 'supabase',
      tripsage,
      limiter,
      // getClaims verifies the JWT (signature and expiry) against the project's keys.
      authenticate: async (authorization) => {
        const token = bearer(authorization)
        if (!token) return null
        const { data, error } = await supabase.auth.getClaims(token)
        return error || !data ? null : (data.claims as UserClaims)
      },
      fileStorage: null,
      storageBaseUrl: null,
      createDevUser: null,
      memorySync,
      close: async () => {
        memorySync.queue?.close()
        await db.destroy()
      },
    }
  }

  const { db, close } = await openEmbeddedDatabase(config.dataDir ? { dataDir: config.dataDir } : {})
  const storageBaseUrl = `${config.publicUrl}/storage`
  const storage = fileSystemStorage({
    dir: config.filesDir,
    signingSecret: config.signingSecret,
    baseUrl: storageBaseUrl,
  })
  const tripsage = createTripSage({ db, storage, embedder })
  const memorySync = memorySyncFor(config, tripsage, embedder, jobKv)
  return {
    mode: 'embedded',
    tripsage,
    limiter,
    authenticate: async (authorization) => {
      const token = bearer(authorization)
      if (!token) return null
      try {
        return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as UserClaims
      } catch {
        return null
      }
    },
    fileStorage: storage,
    storageBaseUrl,
    createDevUser: async (email) => {
      const user = await createTestUser(db, email ? { email } : {})
      return { id: user.id, token: devToken(user.claims) }
    },
    memorySync,
    close: async () => {
      memorySync.queue?.close()
      await close()
    },
  }
}
