/**
 * mem0's TypeScript OSS `Memory` (`mem0ai/oss`) with its pgvector store (`hnsw: true`), the
 * OpenAI embedder pointed at the local server, `infer: false` (no LLM call), history disabled,
 * telemetry off. Writes `~/.mem0/config.json`, so HOME points at a temp dir.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BENCH_DIMENSIONS, BENCH_EMBEDDING_MODEL } from '../lib/bench-embedder.js'
import type { Library, LibraryContext } from './library.js'

export async function mem0Library(context: LibraryContext): Promise<Library> {
  process.env.MEM0_TELEMETRY = 'false'
  process.env.HOME = await mkdtemp(join(tmpdir(), 'bench-mem0-home-'))
  const { Memory } = await import('mem0ai/oss')
  const openai = { apiKey: 'local', baseURL: context.embeddingsURL }
  const memory = new Memory({
    version: 'v1.1',
    disableHistory: true,
    embedder: { provider: 'openai', config: { ...openai, model: BENCH_EMBEDDING_MODEL } },
    vectorStore: {
      provider: 'pgvector',
      config: {
        connectionString: context.databaseURL,
        collectionName: 'mem0_memories',
        embeddingModelDims: BENCH_DIMENSIONS,
        hnsw: true,
      },
    },
    llm: { provider: 'openai', config: { ...openai, model: 'unused' } },
  } as ConstructorParameters<typeof Memory>[0])
  const ids = new Map<number, string>()
  const docOf = (text: string | undefined) => (text === undefined ? -1 : (context.docOf(text) ?? -1))
  return {
    name: 'mem0 OSS Memory',
    setup:
      'mem0ai 3.3.1 `mem0ai/oss` Memory, pgvector store with hnsw: true (index created with the table, default m and ef_construction), OpenAI embedder (local server), add(messages, { userId, infer: false }), search(q, { filters: { user_id }, topK, threshold: 0 }), history disabled',
    async insertBatch(user, batch) {
      const out = (await memory.add(
        batch.map((m) => ({ role: 'user', content: m.text })),
        { userId: context.userIds[user]!, infer: false },
      )) as { results?: { id: string; memory?: string }[] }
      for (const r of out.results ?? []) {
        const doc = docOf(r.memory)
        if (doc >= 0) ids.set(doc, r.id)
      }
    },
    async buildIndex() {
      return null
    },
    async search(query, k) {
      const out = (await memory.search(query.text, {
        filters: { user_id: context.userIds[query.user]! },
        topK: k,
        threshold: 0,
      })) as { results?: { memory?: string }[] }
      return (out.results ?? []).map((r) => docOf(r.memory))
    },
    async isolation(a, _b, victim) {
      const filtered = (await memory.search(victim.text, {
        filters: { user_id: context.userIds[a]! },
        topK: 10,
        threshold: 0,
      })) as { results?: { memory?: string }[] }
      const leakedSearch = (filtered.results ?? []).some((r) => docOf(r.memory) === victim.doc)
      const victimId = ids.get(victim.doc)
      const byId = victimId ? ((await memory.get(victimId)) as { memory?: string } | null) : null
      const leakedGet = byId !== null && docOf(byId.memory) === victim.doc
      return {
        holds: !leakedSearch && !leakedGet,
        how: `search requires a user_id filter (user A ${leakedSearch ? 'saw' : 'did not see'} user B's memory), but get(id) takes no user: with user B's memory id it ${leakedGet ? 'returned the memory' : 'returned nothing'}; update(id) and delete(id) are unscoped the same way — one shared table, one database role`,
      }
    },
    async close() {
      const store = (memory as unknown as { vectorStore?: { client?: { end(): Promise<void> } } }).vectorStore
      await store?.client?.end().catch(() => undefined)
      const entities = (memory as unknown as { _entityStore?: { client?: { end(): Promise<void> } } })._entityStore
      await entities?.client?.end().catch(() => undefined)
    },
  }
}
