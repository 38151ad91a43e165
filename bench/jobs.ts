/**
 * Memory sync end to end on the embedded default: a 50-message job signed with real HS256 keys,
 * verified, validated, deduplicated (memoryKv, and real Redis through the Upstash bridge), embedded
 * with `localEmbedder()` in one call and written to PGlite as session memories in one transaction.
 *
 *   node --conditions=@tripsage/source --import tsx bench/jobs.ts [--quick]
 *
 * Writes bench/results/jobs.json with, per idempotency backend:
 * - `fresh`: a new session per job (ms per job, messages per second);
 * - `duplicate`: the same message delivered again (the idempotency store answers; no database);
 * - `replay`: the same messages under a new message id with a fresh idempotency store (the
 *   database finds every message synced: no embedding, no write).
 * Cases and backends alternate within each iteration, so drift in the machine's load and the
 * growth of the tables hit them alike.
 */
import { createTripSage, type KvStore, localEmbedder, memoryKv, type RedisLike } from '@tripsage/core'
import { createMemorySyncHandler, type MemorySyncPayload, signQstashRequest } from '@tripsage/jobs'
import { createEmbeddedTestDatabase, createTestUser, startUpstashBridge } from '@tripsage/testing'
import { writeResult } from './lib/results.js'

const quick = process.argv.includes('--quick')
const iterations = quick ? 6 : 60
const warmup = quick ? 2 : 8
const MESSAGES = 50
const url = 'https://bench.example.test/api/jobs/memory-sync'
const keys = { currentSigningKey: 'sig_bench_current', nextSigningKey: 'sig_bench_next' }

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0
const round = (x: number) => Math.round(x * 1000) / 1000
const summarise = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b)
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length
  return {
    p50Ms: round(percentile(sorted, 0.5)),
    p95Ms: round(percentile(sorted, 0.95)),
    meanMs: round(mean),
    messagesPerSecond: Math.round((MESSAGES * 1000) / mean),
    n: samples.length,
  }
}

const database = await createEmbeddedTestDatabase()
const bridge = await startUpstashBridge()
try {
  const user = await createTestUser(database.db)
  const tripsage = createTripSage({ db: database.db })
  // Times the embed calls, to tell embedding from verification, idempotency and the database.
  const local = localEmbedder()
  const embedSamples: number[] = []
  const embedder = {
    model: local.model,
    dimensions: local.dimensions,
    embed: async (texts: string[]) => {
      const started = performance.now()
      const vectors = await local.embed(texts)
      embedSamples.push(performance.now() - started)
      return vectors
    },
  }
  let counter = 0

  async function newJob(): Promise<MemorySyncPayload> {
    const session = await database.db
      .insertInto('chat_sessions')
      .values({ user_id: user.id })
      .returning('id')
      .executeTakeFirstOrThrow()
    const rows = await database.db
      .insertInto('chat_messages')
      .values(
        Array.from({ length: MESSAGES }, (_, i) => ({
          session_id: session.id,
          user_id: user.id,
          role: i % 2 ? ('assistant' as const) : ('user' as const),
          content:
            i % 10 === 0
              ? `I prefer quiet hotels near the old town, option ${i} of session ${session.id}`
              : `Turn ${i}: comparing flights from Berlin to Lisbon on day ${i % 7} with a budget of ${100 + i} euros.`,
        })),
      )
      .returning(['id', 'role', 'content', 'created_at'])
      .execute()
    return {
      userId: user.id,
      sessionId: session.id,
      messages: rows.map((r) => ({
        id: r.id,
        role: r.role as 'user' | 'assistant',
        content: r.content,
        createdAt: new Date(r.created_at).toISOString(),
      })),
    }
  }

  async function deliver(handler: (req: Request) => Promise<Response>, payload: MemorySyncPayload, messageId: string) {
    const body = JSON.stringify(payload)
    const signature = await signQstashRequest({ signingKey: keys.currentSigningKey, url, body })
    const started = performance.now()
    const res = await handler(
      new Request(url, {
        method: 'POST',
        body,
        headers: { 'Upstash-Signature': signature, 'Upstash-Message-Id': messageId, 'Upstash-Retried': '0' },
      }),
    )
    const ms = performance.now() - started
    const json = (await res.json()) as { ok?: boolean; duplicate?: boolean }
    if (res.status !== 200 || json.ok !== true) throw new Error(`unexpected answer ${res.status}`)
    return { ms, duplicate: json.duplicate === true }
  }

  const backends: Record<string, () => KvStore | RedisLike> = {
    memoryKv: () => memoryKv(),
    'redis (Upstash bridge)': () => bridge.redis,
  }
  const handlers = Object.entries(backends).map(([name, makeKv]) => ({
    name,
    handler: createMemorySyncHandler({ tripsage, embedder, kv: makeKv(), receiver: keys, url }),
    samples: { fresh: [] as number[], duplicate: [] as number[], replay: [] as number[] },
  }))
  // Backends alternate within each iteration: the tables grow by the same rows for both.
  for (let i = 0; i < warmup + iterations; i++) {
    for (const { name, handler, samples } of i % 2 ? [...handlers].reverse() : handlers) {
      const payload = await newJob()
      const messageId = `bench-${name}-${++counter}`
      const fresh = await deliver(handler, payload, messageId)
      const duplicate = await deliver(handler, payload, messageId)
      if (!duplicate.duplicate) throw new Error('the second delivery was not a duplicate')
      // A fresh store: only the database can tell the job was done.
      const replayHandler = createMemorySyncHandler({ tripsage, embedder, kv: memoryKv(), receiver: keys, url })
      const replay = await deliver(replayHandler, payload, `${messageId}-replay`)
      if (i < warmup) continue
      samples.fresh.push(fresh.ms)
      samples.duplicate.push(duplicate.ms)
      samples.replay.push(replay.ms)
    }
  }
  const results: Record<string, Record<string, ReturnType<typeof summarise>>> = {}
  for (const { name, samples } of handlers) {
    results[name] = {
      'fresh 50-message job': summarise(samples.fresh),
      'duplicate delivery (same message id)': summarise(samples.duplicate),
      'replay (new message id, empty idempotency store)': summarise(samples.replay),
    }
    console.log(name)
    for (const [label, s] of Object.entries(results[name] ?? {})) {
      console.log(`  ${label.padEnd(52)} p50 ${s.p50Ms} ms  p95 ${s.p95Ms} ms  ${s.messagesPerSecond} msg/s`)
    }
  }

  const embed = summarise(embedSamples)
  console.log(`embed call: p50 ${embed.p50Ms} ms`)
  await writeResult({
    name: 'jobs',
    title: 'Memory-sync job throughput',
    mode: quick ? 'quick' : 'full',
    setup: `createMemorySyncHandler on the embedded database (PGlite in process), ${MESSAGES}-message jobs signed with real HS256 keys, ${embedder.model}; idempotency in memoryKv or real Redis through the Upstash bridge`,
    tables: [
      {
        title: `one ${MESSAGES}-message job per request`,
        rows: handlers.flatMap(({ name }) =>
          Object.entries(results[name] ?? {}).map(([label, s]) => ({
            case: `${name}: ${label}`,
            p50Ms: s.p50Ms,
            p95Ms: s.p95Ms,
            'messages/s': s.messagesPerSecond,
          })),
        ),
        note: `fresh = new session; duplicate = same message id again (answered by the idempotency store); replay = same messages under a new message id with an empty store (the database finds them synced). The embed call alone (localEmbedder, ${MESSAGES} texts): p50 ${embed.p50Ms} ms.`,
      },
    ],
    checks: [],
    notes: [],
  })
} finally {
  await bridge.stop()
  await database.close()
}
process.exit(0)
