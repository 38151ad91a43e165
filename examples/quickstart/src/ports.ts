/**
 * Builds the SDK's ports: the embedded default (PGlite, files on disk, in-memory KV, in-process
 * queue, local embedder) or, for each service whose environment variables are set, the real one.
 * Only examples read the environment; the SDK never does.
 *
 * | variables                                                   | replaces                         |
 * | ----------------------------------------------------------- | -------------------------------- |
 * | `TRIPSAGE_DATABASE_URL` (connect as `postgres`)             | PGlite → Supabase Postgres (pg)  |
 * | `TRIPSAGE_DATA_DIR` (e.g. `./.tripsage/db`)                 | PGlite in memory → on disk       |
 * | `SUPABASE_URL`, `SUPABASE_SERVICE_ROLE_KEY`                 | files on disk → Supabase Storage |
 * | `UPSTASH_REDIS_REST_URL`, `UPSTASH_REDIS_REST_TOKEN`        | in-memory KV → Upstash Redis     |
 * | `QSTASH_TOKEN`, `QSTASH_CURRENT_SIGNING_KEY`, `QSTASH_NEXT_SIGNING_KEY`, `TRIPSAGE_JOB_URL` | in-process queue → QStash (delivers to your deployed job route) |
 * | `OPENAI_API_KEY`                                            | local embedder → text-embedding-3-small |
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type BlobStore,
  bundledMigrations,
  type Embedder,
  type KvStore,
  localEmbedder,
  memoryKv,
  migrate,
  type RedisLike,
  type TripSageDatabase,
} from '@tripsage/core'
import { openEmbeddedDatabase } from '@tripsage/core/embedded'
import { fileSystemStorage } from '@tripsage/core/storage/fs'
import { createEmbeddedQueue, type EmbeddedQueue, type JobPublisher, type ReceiverOption } from '@tripsage/jobs'
import { Kysely, PostgresDialect } from 'kysely'
import { type FileServer, startFileServer } from './file-server.ts'

/** Everything the quickstart wires into `createTripSage` and the job route. */
export interface QuickstartPorts {
  readonly db: Kysely<TripSageDatabase>
  readonly storage: BlobStore
  /** Idempotency store of the job route. */
  readonly kv: RedisLike | KvStore
  readonly embedder: Embedder
  /** Publishes jobs: the in-process queue, or QStash. */
  readonly publisher: JobPublisher
  /** Verifies job deliveries: the queue's keys, or QStash's signing keys. */
  readonly receiver: ReceiverOption
  /** The in-process queue when jobs run embedded (null with QStash: deliveries reach your deployment). */
  readonly queue: EmbeddedQueue | null
  /** One line per port: what is used. */
  readonly description: string[]
  /** Migrations applied on open. */
  readonly migrations: number
  close(): Promise<void>
}

/** Opens the ports from the environment (embedded for anything not configured). */
export async function openPorts(env: NodeJS.ProcessEnv = process.env): Promise<QuickstartPorts> {
  const description: string[] = []
  const closers: (() => Promise<void> | void)[] = []

  let db: Kysely<TripSageDatabase>
  let migrations: number
  if (env.TRIPSAGE_DATABASE_URL) {
    const { default: pg } = await import('pg')
    db = new Kysely<TripSageDatabase>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: env.TRIPSAGE_DATABASE_URL, max: 4 }) }),
    })
    migrations = (await migrate(db)).applied.length
    description.push('database: Postgres at TRIPSAGE_DATABASE_URL')
  } else {
    // TRIPSAGE_DATA_DIR keeps the data between runs (missing parent directories are created).
    const dataDir = env.TRIPSAGE_DATA_DIR
    const embedded = await openEmbeddedDatabase(dataDir ? { dataDir } : {})
    db = embedded.db
    migrations = embedded.migration?.applied.length ?? bundledMigrations().length
    description.push(`database: embedded PGlite + pgvector (${dataDir ? `in ${dataDir}` : 'in memory'})`)
  }
  closers.push(() => db.destroy())

  let storage: BlobStore
  if (env.SUPABASE_URL && env.SUPABASE_SERVICE_ROLE_KEY) {
    const { createClient } = await import('@supabase/supabase-js')
    const { supabaseStorage } = await import('@tripsage/core')
    storage = supabaseStorage(
      createClient(env.SUPABASE_URL, env.SUPABASE_SERVICE_ROLE_KEY, { auth: { persistSession: false } }),
    )
    description.push('storage: Supabase Storage (bucket attachments)')
  } else {
    const signingSecret = randomBytes(32).toString('hex')
    const dir = await mkdtemp(join(tmpdir(), 'tripsage-quickstart-files-'))
    const server: FileServer = await startFileServer(signingSecret)
    const files = fileSystemStorage({ dir, signingSecret, baseUrl: `${server.origin}/storage` })
    server.serve(files)
    storage = files
    closers.push(
      () => server.close(),
      () => rm(dir, { recursive: true, force: true }),
    )
    description.push(`storage: files on disk, signed URLs served at ${server.origin}`)
  }

  let kv: RedisLike | KvStore
  if (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN) {
    const { Redis } = await import('@upstash/redis')
    kv = new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN })
    description.push('kv: Upstash Redis')
  } else {
    kv = memoryKv()
    description.push('kv: in memory')
  }

  let embedder: Embedder
  if (env.OPENAI_API_KEY) {
    const { createOpenAI } = await import('@ai-sdk/openai')
    const { aiSdkEmbedder } = await import('@tripsage/core/ai-sdk')
    embedder = aiSdkEmbedder(createOpenAI({ apiKey: env.OPENAI_API_KEY }).embedding('text-embedding-3-small'))
    description.push('embedder: OpenAI text-embedding-3-small')
  } else {
    embedder = localEmbedder()
    description.push('embedder: local (lexical, offline — not semantic)')
  }

  let publisher: JobPublisher
  let receiver: ReceiverOption
  let queue: EmbeddedQueue | null = null
  if (env.QSTASH_TOKEN && env.QSTASH_CURRENT_SIGNING_KEY && env.QSTASH_NEXT_SIGNING_KEY && env.TRIPSAGE_JOB_URL) {
    const { Client } = await import('@upstash/qstash')
    publisher = new Client({ token: env.QSTASH_TOKEN })
    receiver = { currentSigningKey: env.QSTASH_CURRENT_SIGNING_KEY, nextSigningKey: env.QSTASH_NEXT_SIGNING_KEY }
    description.push(`jobs: QStash, delivered to ${env.TRIPSAGE_JOB_URL}`)
  } else {
    queue = createEmbeddedQueue()
    publisher = queue
    receiver = queue.signingKeys
    closers.push(() => queue?.close())
    description.push('jobs: in-process queue (deliveries signed with real HS256 keys)')
  }

  return {
    db,
    storage,
    kv,
    embedder,
    publisher,
    receiver,
    queue,
    description,
    migrations,
    async close() {
      for (const close of closers.reverse()) await close()
    },
  }
}
