/**
 * TripSage on the same database: `pg` pool + Kysely over pglite-socket, user-scoped (RLS), the
 * embedder port calling the same local embeddings server as the peers.
 *
 * Stand-in until `me.memory` is on main: the statements the memory repository sends — a multi-row
 * INSERT for addMany, and a user-scoped HNSW search with `hnsw.ef_search = 100` and iterative
 * scans — run through `me.transaction` (same scope, same RLS).
 */
import { createTripSage, type TripSageDatabase } from '@tripsage/core'
import type { TestUser } from '@tripsage/testing'
import { type Kysely, sql } from 'kysely'
import { BENCH_EMBEDDING_MODEL } from '../lib/bench-embedder.js'
import { httpEmbedder } from '../lib/http-embedder.js'
import type { Library, LibraryContext } from './library.js'

const toVector = (v: number[]) => `[${v.map((x) => Math.fround(x)).join(',')}]`

export async function oursLibrary(
  context: LibraryContext,
  db: Kysely<TripSageDatabase>,
  users: readonly TestUser[],
): Promise<Library> {
  const embedder = httpEmbedder(context.embeddingsURL)
  const tripsage = createTripSage({ db })
  const clientOf = (user: number) => tripsage.forUser(users[user]!.claims)
  const search = async (user: number, text: string, k: number) => {
    const [vector] = await embedder.embed([text])
    const rows = await clientOf(user).transaction(async ({ db: trx }) => {
      await sql`select set_config('hnsw.ef_search', '100', true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`.execute(
        trx,
      )
      return sql<{ doc: number }>`
        select (metadata->>'doc')::int as doc from public.memories
        where embedding_model = ${BENCH_EMBEDDING_MODEL} and (expires_at is null or expires_at > now())
        order by embedding <=> ${toVector(vector!)}::extensions.vector limit ${k}`.execute(trx)
    })
    return rows.rows.map((r) => r.doc)
  }
  return {
    name: 'TripSage (me.memory stand-in)',
    setup:
      'createTripSage({ db }) over a pg Pool + Kysely PostgresDialect; user scope (RLS), one-message scope entry; migration HNSW index (m 16, ef_construction 200) maintained during the load; ef_search 100 with iterative scans',
    async insertBatch(user, batch) {
      const vectors = await embedder.embed(batch.map((m) => m.text))
      await clientOf(user).transaction(({ db: trx }) =>
        sql`insert into public.memories (user_id, content, content_hash, embedding, embedding_model, metadata)
          values ${sql.join(
            batch.map(
              (m, i) =>
                sql`(${users[user]!.id}::uuid, ${m.text}, encode(sha256(convert_to(${m.text}, 'UTF8')), 'hex'), ${toVector(vectors[i]!)}::extensions.vector, ${BENCH_EMBEDDING_MODEL}, ${JSON.stringify({ doc: m.doc })}::jsonb)`,
            ),
          )}`.execute(trx),
      )
    },
    async buildIndex() {
      return null
    },
    search: (query, k) => search(query.user, query.text, k),
    async isolation(a, _b, victim) {
      const seen = await search(a, victim.text, 10)
      const leakedSearch = seen.includes(victim.doc)
      const visible = await clientOf(a).transaction(({ db: trx }) =>
        sql<{ n: number }>`select count(*)::int as n from public.memories where user_id <> ${users[a]!.id}::uuid`.execute(trx),
      )
      const leakedSql = (visible.rows[0]?.n ?? 0) > 0
      return {
        holds: !leakedSearch && !leakedSql,
        how: `RLS: user A's search with user B's exact text ${leakedSearch ? 'returned' : 'did not return'} it, and even hand-written SQL in A's scope with no user filter sees ${visible.rows[0]?.n ?? 0} rows of other users`,
      }
    },
    async close() {},
  }
}
