/**
 * TripSage on the same database: `pg` pool + Kysely over pglite-socket, `forUser(claims)` (RLS),
 * `me.memory.addMany` / `me.memory.search` with an embedder that calls the same local embeddings
 * server as the peers (one HTTP call per addMany batch and per search).
 */
import { createTripSage, type TripSageDatabase } from '@tripsage/core'
import type { TestUser } from '@tripsage/testing'
import { type Kysely, sql } from 'kysely'
import { httpEmbedder } from '../lib/http-embedder.js'
import type { Library, LibraryContext } from './library.js'

export async function oursLibrary(
  context: LibraryContext,
  db: Kysely<TripSageDatabase>,
  users: readonly TestUser[],
  indexOptions: string,
  wiring: string,
): Promise<Library> {
  const tripsage = createTripSage({ db, embedder: httpEmbedder(context.embeddingsURL) })
  const clientOf = (user: number) => tripsage.forUser(users[user]!.claims)
  const docOf = (hit: { metadata: Record<string, unknown> }) => Number(hit.metadata.doc ?? -1)
  const search = async (user: number, text: string, k: number) =>
    (await clientOf(user).memory.search({ query: text, limit: k })).map(docOf)
  return {
    name: 'TripSage me.memory',
    setup: `createTripSage({ db, embedder }) over ${wiring}; the embedder asks the server for base64 vectors, as the OpenAI SDK does; forUser(claims) (RLS); addMany(50) (one embed call, one INSERT); search({ query, limit }) with the defaults (ef_search 100, iterative scans); the migrations' HNSW index (${indexOptions}, decision 0009) maintained during the load`,
    async insertBatch(user, batch) {
      await clientOf(user).memory.addMany(batch.map((m) => ({ content: m.text, metadata: { doc: m.doc } })))
    },
    async buildIndex() {
      return null
    },
    search: (query, k) => search(query.user, query.text, k),
    async isolation(a, _b, victim) {
      const seen = await search(a, victim.text, 10)
      const leakedSearch = seen.includes(victim.doc)
      const visible = await clientOf(a).transaction(({ db: trx }) =>
        sql<{
          n: number
        }>`select count(*)::int as n from public.memories where user_id <> ${users[a]!.id}::uuid`.execute(trx),
      )
      const leakedSql = (visible.rows[0]?.n ?? 0) > 0
      return {
        holds: !leakedSearch && !leakedSql,
        how: `enforced by Postgres RLS: user A's search with user B's exact text ${leakedSearch ? 'returned' : 'did not return'} it, and even hand-written SQL in A's scope with no user filter sees ${visible.rows[0]?.n ?? 0} rows of other users`,
      }
    },
    async close() {},
  }
}
