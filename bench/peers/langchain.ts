/**
 * LangChain's `PGVectorStore` (`@langchain/community/vectorstores/pgvector`) with
 * `OpenAIEmbeddings` pointed at the local server: its documented setup (cosine, `dimensions`,
 * `createHnswIndex()` after the load), user id in the metadata, filtered search.
 */
import { PGVectorStore } from '@langchain/community/vectorstores/pgvector'
import { Document } from '@langchain/core/documents'
import { OpenAIEmbeddings } from '@langchain/openai'
import pg from 'pg'
import { BENCH_DIMENSIONS, BENCH_EMBEDDING_MODEL } from '../lib/bench-embedder.js'
import type { Library, LibraryContext } from './library.js'

export async function langchainLibrary(context: LibraryContext): Promise<Library> {
  const pool = new pg.Pool({ connectionString: context.databaseURL, max: 2 })
  const embeddings = new OpenAIEmbeddings({
    apiKey: 'local',
    model: BENCH_EMBEDDING_MODEL,
    configuration: { baseURL: context.embeddingsURL },
    batchSize: 512,
  })
  const store = await PGVectorStore.initialize(embeddings, {
    pool,
    tableName: 'langchain_pg_embedding',
    distanceStrategy: 'cosine',
    dimensions: BENCH_DIMENSIONS,
  })
  const docs = (results: Document[]) =>
    results.map((d) => (d.metadata as { doc?: number }).doc ?? context.docOf(d.pageContent) ?? -1)
  return {
    name: 'LangChain PGVectorStore',
    setup: `@langchain/community 1.1.29 PGVectorStore + @langchain/openai OpenAIEmbeddings (local server); cosine; createHnswIndex({ dimensions: ${BENCH_DIMENSIONS} }) after the load (m 16, ef_construction 64); filter { user_id } on metadata`,
    async insertBatch(user, batch) {
      await store.addDocuments(
        batch.map(
          (m) => new Document({ pageContent: m.text, metadata: { user_id: context.userIds[user], doc: m.doc } }),
        ),
      )
    },
    async buildIndex() {
      const started = performance.now()
      await store.createHnswIndex({ dimensions: BENCH_DIMENSIONS })
      return performance.now() - started
    },
    async search(query, k) {
      return docs(await store.similaritySearch(query.text, k, { user_id: context.userIds[query.user]! }))
    },
    async isolation(a, _b, victim) {
      const filtered = await store.similaritySearch(victim.text, 10, { user_id: context.userIds[a]! })
      const leakedFiltered = docs(filtered).includes(victim.doc)
      const unfiltered = await store.similaritySearch(victim.text, 10)
      const leaked = docs(unfiltered).includes(victim.doc)
      return {
        holds: !leakedFiltered && !leaked,
        how: `with the { user_id } filter user A ${leakedFiltered ? 'saw' : 'did not see'} user B's memory; a search without the filter (one forgotten argument) ${leaked ? "returned user B's memory" : 'did not return it'} — one shared table, one database role, nothing below the filter`,
      }
    },
    async close() {
      // end() releases the client LangChain keeps checked out, then ends the pool.
      await store.end()
    },
  }
}
