import { randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type UserClient } from '../client.js'
import { testDrivers } from '../db/native.test-support.js'
import { useRoundTripCounter } from '../db/round-trip-counter.test-support.js'
import type { TripSageDatabase } from '../db/schema.js'
import { parseVectorText } from '../embeddings/vector-text.js'
import { TripSageError } from '../errors.js'

// Round trips of `me.memory` calls, counted in a proxy on native PostgreSQL (issue 15: a
// one-statement call costs what its bare statement costs; a call of n statements at most n + 1).

const wire = useRoundTripCounter()
const newUser = () => wire.native.newUser()

const roundTrips = wire.roundTrips

/** A distinct 1536-dim vector per number. */
const vectorFor = (n: number) => Array.from({ length: 1536 }, (_, i) => ((i * (n + 3)) % 11) / 11 - 0.4)
const model = 'test-model'

describe.each(testDrivers)('memory round trips through $name', (driver) => {
  let db: Kysely<TripSageDatabase>
  let me: UserClient
  let counter = 0
  const fresh = () => {
    counter += 1
    return { content: `memory ${counter} ${randomUUID()}`, embedding: vectorFor(counter), embeddingModel: model }
  }
  beforeAll(async () => {
    // One connection, so every call reuses the same warm connection.
    db = driver.open(wire.proxy.urlFor(wire.native.server.url), { max: 1 })
    me = createTripSage({ db }).forUser(await newUser())
    await me.memory.add(fresh())
  })
  afterAll(() => db?.destroy())

  /** The bare statements of each call, as the superuser with no scope. */
  const bare = {
    select: () => sql`select id, content from public.memories limit 1`.execute(db),
  }

  it('costs get, find, list, history, forget and forgetAll one round trip each, like their bare statement', async () => {
    const kept = await me.memory.add(fresh())
    const doomed = await me.memory.addMany([fresh(), fresh(), fresh()])
    const counts = {
      bare: await roundTrips(bare.select),
      get: await roundTrips(() => me.memory.get(kept.id)),
      find: await roundTrips(() => me.memory.find(randomUUID())),
      list: await roundTrips(() => me.memory.list({ limit: 5 })),
      history: await roundTrips(() => me.memory.history(kept.id)),
      forget: await roundTrips((i) => me.memory.forget((doomed[i] as { id: string }).id)),
      forgetAll: await roundTrips(() => me.memory.forgetAll({ types: ['other'] })),
    }
    expect(counts).toEqual({ bare: 1, get: 1, find: 1, list: 1, history: 1, forget: 1, forgetAll: 1 })
  })

  it('costs add, addMany and update as many round trips as their bare statements (2)', async () => {
    const existing = await me.memory.add(fresh())
    const counts = {
      add: await roundTrips(() => me.memory.add(fresh())),
      addMany: await roundTrips(() => me.memory.addMany([fresh(), fresh(), fresh()])),
      // An existing memory: the lookup finds it, nothing is embedded or written.
      addExisting: await roundTrips(() =>
        me.memory.add({ content: existing.content, embedding: vectorFor(0), embeddingModel: model }),
      ),
      // Read, then one UPDATE: the bare pair costs 2 as well.
      update: await roundTrips((i) => me.memory.update(existing.id, { importance: (i + 1) / 10 })),
    }
    // The same on postgres.js: with Nagle's algorithm off (createPostgresJsDatabase, decision 0015)
    // the INSERT's `commit` leaves in the same flight as its 1536-float vectors.
    expect(counts).toEqual({ add: 2, addMany: 2, addExisting: 1, update: 2 })
  })

  it('costs search and hybridSearch one round trip at a raised efSearch, and leaves no setting behind', async () => {
    // The walk's ef_search is raised inside the one statement (an InitPlan's set_config), not by
    // an extra statement; it is transaction-local, so the next borrower of the one connection
    // sees pgvector's defaults again.
    const query = { embedding: vectorFor(1), embeddingModel: model, limit: 5, efSearch: 700 }
    const settings = async () =>
      (
        await sql<{ ef_search: string | null; iterative_scan: string | null; role: string }>`
          select current_setting('hnsw.ef_search', true) as ef_search,
            current_setting('hnsw.iterative_scan', true) as iterative_scan, current_user as role`.execute(db)
      ).rows[0]
    const counts = {
      search: await roundTrips(() => me.memory.search(query)),
      hybridSearch: await roundTrips(() => me.memory.hybridSearch({ ...query, query: 'memory' })),
    }
    expect(counts).toEqual({ search: 1, hybridSearch: 1 })
    expect(await settings()).toEqual({ ef_search: '40', iterative_scan: 'off', role: 'postgres' })
  })

  it('stores vectors exactly (float4 in, the same float4 stored) on both drivers', async () => {
    // Float32-exact values, so both transfers must store the very same floats.
    const vectors = [vectorFor(101), vectorFor(102)].map((v) => v.map((x) => Math.fround(x)))
    const written = await me.memory.addMany(
      vectors.map((embedding, i) => ({ content: `exact ${i} ${randomUUID()}`, embedding, embeddingModel: model })),
    )
    const { rows } = await wire.native.admin.query<{ id: string; embedding: string }>(
      'select id, embedding::text as embedding from public.memories where id = any($1::uuid[])',
      [written.map((m) => m.id)],
    )
    const stored = new Map(rows.map((r) => [r.id, parseVectorText(r.embedding).map((x) => Math.fround(x))]))
    expect(written.map((m) => stored.get(m.id))).toEqual(vectors)
  })

  it('keeps a failed one-statement call from writing or leaking state', async () => {
    // not_found when forgetting someone else's memory; the connection is clean for the next call.
    const other = createTripSage({ db }).forUser(await newUser())
    const theirs = await other.memory.add(fresh())
    const error = await me.memory.forget(theirs.id).catch((e: unknown) => e)
    expect(TripSageError.isInstance(error) && error.code).toBe('not_found')
    expect((await other.memory.get(theirs.id)).id).toBe(theirs.id)
    const { rows } = await sql<{ role: string; xid: string | null }>`
      select current_user as role, pg_current_xact_id_if_assigned()::text as xid`.execute(db)
    expect(rows[0]).toEqual({ role: 'postgres', xid: null })
  })

  it('writes a batch for both tables all-or-nothing, in one transaction', async () => {
    const sessionId = (await me.chat.sessions.create()).id
    const before = (await me.memory.list({ limit: 100 })).items.length
    // The session memory names another user's session: RLS refuses it, so the whole batch fails
    // and the long-term row is not written either.
    const theirSession = (
      await createTripSage({ db })
        .forUser(await newUser())
        .chat.sessions.create()
    ).id
    const error = await me.memory.addMany([fresh(), { ...fresh(), sessionId: theirSession }]).catch((e: unknown) => e)
    expect(TripSageError.isInstance(error)).toBe(true)
    expect((await me.memory.list({ limit: 100 })).items.length).toBe(before)
    const mixed = await me.memory.addMany([fresh(), { ...fresh(), sessionId }])
    expect(mixed.map((m) => m.sessionId)).toEqual([null, sessionId])
    expect((await me.memory.list({ limit: 100 })).items.length).toBe(before + 1)
  })
})
