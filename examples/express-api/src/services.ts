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
  memoryKv,
  type RateLimiter,
  supabaseStorage,
  type TripSage,
  type TripSageDatabase,
  type UserClaims,
} from '@tripsage/core'
import { openEmbeddedDatabase } from '@tripsage/core/embedded'
import { type FileSystemStorage, fileSystemStorage } from '@tripsage/core/storage/fs'
import { createTestUser } from '@tripsage/testing'
import { Redis } from '@upstash/redis'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
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
  close(): Promise<void>
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

function limiterFor(config: ServicesConfig): RateLimiter<string> {
  const rules = { ...apiRateLimitRules, ...config.rules }
  if (config.upstashUrl && config.upstashToken) {
    return createRateLimiter({ redis: new Redis({ url: config.upstashUrl, token: config.upstashToken }), rules })
  }
  return createRateLimiter({ kv: memoryKv(), rules })
}

/** Opens the database and wires the SDK for `config`. */
export async function createServices(config: ServicesConfig): Promise<Services> {
  const limiter = limiterFor(config)
  if (config.databaseUrl && config.supabaseUrl && config.supabaseServiceRoleKey) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl })
    const db = new Kysely<TripSageDatabase>({ dialect: new PostgresDialect({ pool }) })
    const supabase = createClient(config.supabaseUrl, config.supabaseServiceRoleKey, {
      auth: { persistSession: false, autoRefreshToken: false },
    })
    return {
      mode: 'supabase',
      tripsage: createTripSage({ db, storage: supabaseStorage(supabase) }),
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
      close: () => db.destroy(),
    }
  }

  const { db, close } = await openEmbeddedDatabase(config.dataDir ? { dataDir: config.dataDir } : {})
  const storageBaseUrl = `${config.publicUrl}/storage`
  const storage = fileSystemStorage({
    dir: config.filesDir,
    signingSecret: config.signingSecret,
    baseUrl: storageBaseUrl,
  })
  return {
    mode: 'embedded',
    tripsage: createTripSage({ db, storage }),
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
    close,
  }
}
