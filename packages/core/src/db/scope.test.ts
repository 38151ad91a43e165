import { randomUUID } from 'node:crypto'
import {
  createEmbeddedTestDatabase,
  createTestUser,
  type EmbeddedTestDatabase,
  type PostgresServer,
  startPostgresServer,
} from '@tripsage/testing'
import fc from 'fast-check'
import { type CompiledQuery, Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage } from '../client.js'
import { TripSageError } from '../errors.js'
import { applyPlatform } from './platform.js'
import type { TripSageDatabase } from './schema.js'
import { quoteLiteral, type ScopedTransaction, scopeEntryStatement } from './scope.js'

/**
 * Any JSON-able claims value, strings drawn from all of Unicode (lone surrogates included) but
 * U+0000, which no jsonb value can hold (`auth.jwt()` would refuse it whatever the transport).
 */
const claimValue = fc.oneof(
  fc.string({ unit: 'binary' }).filter((v) => !v.includes('\u0000')),
  fc.string({ unit: fc.constantFrom("'", '\\', '"', '$', ';', '\n', 'E', '\u2028', '☃', '\u0001') }),
)

describe('forUser claims', () => {
  const tripsage = createTripSage({ db: {} as Kysely<TripSageDatabase> })

  it.each([
    ['no sub', {}],
    ['a non-UUID sub', { sub: 'alice' }],
    ['a numeric sub', { sub: 42 }],
    ['a service_role token', { sub: randomUUID(), role: 'service_role' }],
    ['null', null],
  ])('rejects %s with a validation error', (_label, claims) => {
    const error = (() => {
      try {
        tripsage.forUser(claims)
      } catch (e) {
        return e
      }
    })()
    expect(TripSageError.isInstance(error)).toBe(true)
    expect((error as TripSageError).code).toBe('validation')
  })

  it('accepts Supabase access-token claims', () => {
    const sub = randomUUID()
    expect(tripsage.forUser({ sub, role: 'authenticated', aud: 'authenticated', email: 'a@example.test' }).userId).toBe(
      sub,
    )
  })
})

/** Who the database thinks is asking, read inside a scope. */
const whoAmI = sql<{ role: string; uid: string | null; claims: string | null }>`
  select current_user as role, auth.uid()::text as uid, current_setting('request.jwt.claims', true) as claims
`

// PGlite-only: these reach into PGlite's one session (`exec`) and its Kysely dialect; the native
// server has its own describe below.
describe('scopes on PGlite', () => {
  let database: EmbeddedTestDatabase
  beforeAll(async () => {
    database = await createEmbeddedTestDatabase()
  })
  afterAll(() => database.close())

  it('runs a user scope as authenticated with the claims, and the service scope as service_role', async () => {
    const alice = await createTestUser(database.db)
    const tripsage = createTripSage({ db: database.db })
    const inside = await tripsage.forUser(alice.claims).transaction(({ db }) => whoAmI.execute(db))
    expect(inside.rows[0]).toMatchObject({ role: 'authenticated', uid: alice.id })
    const service = await tripsage.service.transaction(({ db }) => whoAmI.execute(db))
    expect(service.rows[0]).toMatchObject({ role: 'service_role', uid: null })
    const after = await whoAmI.execute(database.db)
    expect(after.rows[0]?.role).toBe('postgres')
    expect(after.rows[0]?.claims ?? '').toBe('')
  })

  it('reads back any claims exactly through the one-message entry (simple protocol)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string({ unit: 'binary' }), claimValue, { maxKeys: 4 }), async (extra) => {
        const claims = { ...extra, sub: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f', role: 'authenticated' }
        const results = await database.pglite.exec(
          `${scopeEntryStatement('authenticated', claims)}; select current_user as role, current_setting('request.jwt.claims') as claims; rollback`,
        )
        const row = results.at(-2)?.rows[0] as { role: string; claims: string }
        expect(row.role).toBe('authenticated')
        expect(row.claims).toBe(JSON.stringify(claims))
      }),
      { numRuns: 150 },
    )
  })

  it('quotes any string as a literal that reads back unchanged, whatever standard_conforming_strings says', async () => {
    for (const conforming of ['on', 'off']) {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ unit: 'binary' }).filter((v) => !v.includes('\u0000')),
          async (value) => {
            const results = await database.pglite.exec(
              `set standard_conforming_strings = ${conforming}; select ${quoteLiteral(value)} as v`,
            )
            expect(results.at(-1)?.rows[0]).toEqual({ v: value })
          },
        ),
        { numRuns: 100 },
      )
    }
    await database.pglite.exec('reset standard_conforming_strings')
    expect(() => quoteLiteral('a\u0000b')).toThrow(TripSageError)
  })

  it('uses a Kysely transaction on the PGlite dialect, which refuses a several-statement message', async () => {
    const alice = await createTestUser(database.db)
    const statements: string[] = []
    // A fresh instance over the same PGlite, so its first call has to find out.
    const db = new Kysely<TripSageDatabase>({
      dialect: new PGliteDialect({ pglite: database.pglite }),
      log: (event) => {
        statements.push(event.query.sql)
      },
    })
    const me = createTripSage({ db }).forUser(alice.claims)
    // Concurrent first calls: the refusal happens inside each call's own (exclusive) transaction.
    const seen = await Promise.all([1, 2, 3].map(() => me.transaction(({ db: trx }) => whoAmI.execute(trx))))
    for (const who of seen) expect(who.rows[0]).toMatchObject({ role: 'authenticated', uid: alice.id })
    statements.length = 0
    await me.transaction(({ db: trx }) => whoAmI.execute(trx))
    expect(statements.map((s) => s.trim().split(/\s+/).slice(0, 2).join(' '))).toEqual([
      "select set_config('role',",
      'select current_user',
    ])
    const after = await whoAmI.execute(database.db)
    expect(after.rows[0]?.role).toBe('postgres')
  })

  it('sets extra settings in the scope statement, transaction-locally (also in a bound scope)', async () => {
    const alice = await createTestUser(database.db)
    const me = createTripSage({ db: database.db }).forUser(alice.claims)
    const read = sql<{ v: string }>`select current_setting('hnsw.ef_search') as v`
    const settings = { settings: { 'hnsw.ef_search': '123' } }
    expect((await me.scope.run((trx) => read.execute(trx), settings)).rows[0]?.v).toBe('123')
    const inside = await me.transaction(({ scope, db }) =>
      scope
        .run(async (trx) => (await read.execute(trx)).rows[0]?.v, { settings: { 'hnsw.ef_search': '77' } })
        .then(async (v) => [v, (await read.execute(db)).rows[0]?.v]),
    )
    expect(inside).toEqual(['77', '77'])
    expect((await read.execute(database.db)).rows[0]?.v).not.toMatch(/^(123|77)$/)
  })

  it('rolls the scope back with the transaction when the callback throws', async () => {
    const alice = await createTestUser(database.db)
    const me = createTripSage({ db: database.db }).forUser(alice.claims)
    await expect(
      me.transaction(async ({ db }) => {
        await whoAmI.execute(db)
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    const after = await whoAmI.execute(database.db)
    expect(after.rows[0]).toMatchObject({ role: 'postgres', uid: null })
  })
})

describe('scopes on PostgreSQL through pg with a pool of two connections', () => {
  let server: PostgresServer
  let pool: pg.Pool
  let db: Kysely<TripSageDatabase>
  const users = [randomUUID(), randomUUID(), randomUUID()]

  beforeAll(async () => {
    server = await startPostgresServer()
    pool = new pg.Pool({ connectionString: server.url, max: 2 })
    // Idle clients killed by the server's shutdown emit 'error' on the pool: never crash the run.
    pool.on('error', () => undefined)
    db = new Kysely<TripSageDatabase>({ dialect: new PostgresDialect({ pool }) })
    await applyPlatform(db)
    for (const id of users)
      await sql`insert into auth.users (id, email) values (${id}, ${`${id}@example.test`})`.execute(db)
    // A small RLS table standing in for the real schema (this server has no pgvector).
    await sql`create table public.notes (id uuid primary key default gen_random_uuid(), user_id uuid not null references auth.users (id), body text not null)`.execute(
      db,
    )
    await sql`alter table public.notes enable row level security`.execute(db)
    await sql`create policy notes_all_owner on public.notes to authenticated using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()))`.execute(
      db,
    )
    await sql`grant all on public.notes to authenticated`.execute(db)
  }, 120_000)

  afterAll(async () => {
    await db?.destroy()
    await server?.stop()
  })

  /** Reads role and claims on every pooled connection, outside any scope. */
  async function idleConnectionsState() {
    const clients = await Promise.all([pool.connect(), pool.connect()])
    try {
      return await Promise.all(
        clients.map(async (c) => {
          const r = await c.query(
            `select current_user as role, current_setting('request.jwt.claims', true) as claims, auth.uid() as uid`,
          )
          const row = r.rows[0]
          // A connection that never ran a scope has no claims setting at all (null); one that did has ''.
          return { ...row, claims: row.claims ?? '' }
        }),
      )
    } finally {
      for (const c of clients) c.release()
    }
  }

  it('isolates concurrent users: each call sees only its own claims and rows', async () => {
    const tripsage = createTripSage({ db })
    const writes = users.flatMap((id) =>
      Array.from({ length: 5 }, (_, i) =>
        tripsage.forUser({ sub: id, role: 'authenticated' }).transaction(async ({ db: trx }) => {
          const who = await whoAmI.execute(trx)
          expect(who.rows[0]).toMatchObject({ role: 'authenticated', uid: id })
          await sql`insert into public.notes (user_id, body) values (${id}, ${`note ${i}`})`.execute(trx)
        }),
      ),
    )
    await Promise.all(writes)
    for (const id of users) {
      const seen = await tripsage
        .forUser({ sub: id })
        .transaction(({ db: trx }) => sql<{ user_id: string }>`select user_id from public.notes`.execute(trx))
      expect(seen.rows).toHaveLength(5)
      expect(seen.rows.every((r) => r.user_id === id)).toBe(true)
    }
    expect(await idleConnectionsState()).toEqual([
      { role: 'postgres', claims: '', uid: null },
      { role: 'postgres', claims: '', uid: null },
    ])
  })

  it('enters a scope with one message: begin and settings, the statement, commit', async () => {
    const statements: CompiledQuery[] = []
    const logged = new Kysely<TripSageDatabase>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => {
        statements.push(event.query)
      },
    })
    const me = createTripSage({ db: logged }).forUser({ sub: users[0] })
    await me.transaction(({ db: trx }) => whoAmI.execute(trx)) // the first call learns the driver's support
    statements.length = 0
    const who = await me.transaction(({ db: trx }) => whoAmI.execute(trx))
    expect(who.rows[0]).toMatchObject({ role: 'authenticated', uid: users[0] })
    expect(statements.map((s) => s.sql.trim().split(/\s+/)[0])).toEqual(['begin;', 'select', 'commit'])
    expect(statements[0]?.parameters).toEqual([])
    // Extra settings ride in the same message, names and values inlined as literals.
    const setting = sql<{ v: string }>`select current_setting('tripsage.bench_note') as v`
    const value = "it's \\ 'quoted' ☃"
    const read = await me.scope.run((trx) => setting.execute(trx), { settings: { 'tripsage.bench_note': value } })
    expect(read.rows[0]?.v).toBe(value)
  })

  it('carries claims with quotes, backslashes and any Unicode intact (simple protocol, inlined literal)', async () => {
    const tripsage = createTripSage({ db })
    await fc.assert(
      fc.asyncProperty(claimValue, claimValue, async (note, name) => {
        const claims = { sub: users[1], app_metadata: { note }, user_metadata: { [name]: name } }
        const seen = await tripsage
          .forUser(claims)
          .transaction(({ db: trx }) => sql<{ jwt: unknown }>`select auth.jwt() as jwt`.execute(trx))
        expect(seen.rows[0]?.jwt).toEqual(JSON.parse(JSON.stringify({ ...claims, role: 'authenticated' })))
      }),
      { numRuns: 40 },
    )
    expect(await idleConnectionsState()).toEqual([
      { role: 'postgres', claims: '', uid: null },
      { role: 'postgres', claims: '', uid: null },
    ])
  })

  it('refuses a Kysely transaction passed as db (as before) instead of committing it early', async () => {
    await db.transaction().execute(async (outer) => {
      const nested = createTripSage({ db: outer }).forUser({ sub: users[0] })
      await expect(nested.transaction(async () => 1)).rejects.toThrow('not supported')
      const still = await sql<{ xid: string | null }>`select pg_current_xact_id_if_assigned()::text as xid`.execute(
        outer,
      )
      expect(still.rows).toHaveLength(1)
    })
  })

  it('refuses queries through a transaction reference kept after the scope ended', async () => {
    let kept: ScopedTransaction | undefined
    await createTripSage({ db })
      .forUser({ sub: users[0] })
      .transaction(async ({ db: trx }) => {
        kept = trx
      })
    await expect(whoAmI.execute(kept as ScopedTransaction)).rejects.toThrow('scoped transaction has ended')
    expect(() => (kept as ScopedTransaction).transaction()).toThrow()
  })

  it('isolates concurrent users and rolls back failures on a pipelined pool (pg pipeline mode)', async () => {
    const pipelinedPool = new pg.Pool({ connectionString: server.url, max: 2, pipeline: true } as pg.PoolConfig)
    const pipelined = new Kysely<TripSageDatabase>({ dialect: new PostgresDialect({ pool: pipelinedPool }) })
    try {
      const tripsage = createTripSage({ db: pipelined, pipeline: true })
      const [a, b] = users as [string, string]
      const calls = users.flatMap((id) =>
        Array.from({ length: 6 }, () =>
          tripsage.forUser({ sub: id }).transaction(async ({ db: trx }) => {
            const who = await whoAmI.execute(trx)
            expect(who.rows[0]).toMatchObject({ role: 'authenticated', uid: id })
            return sql<{ user_id: string }>`select user_id from public.notes`.execute(trx)
          }),
        ),
      )
      for (const seen of await Promise.all(calls)) {
        const owners = new Set(seen.rows.map((r) => r.user_id))
        expect(owners.size).toBeLessThanOrEqual(1)
      }
      const failures = await Promise.allSettled(
        Array.from({ length: 4 }, () =>
          tripsage.forUser({ sub: a }).transaction(async ({ db: trx }) => {
            await sql`insert into public.notes (user_id, body) values (${b}, 'pipelined, not mine')`.execute(trx)
          }),
        ),
      )
      expect(failures.every((f) => f.status === 'rejected')).toBe(true)
      const clients = await Promise.all([pipelinedPool.connect(), pipelinedPool.connect()])
      try {
        for (const c of clients) {
          const r = await c.query(
            `select current_user as role, auth.uid() as uid, pg_current_xact_id_if_assigned() as xid`,
          )
          expect(r.rows[0]).toEqual({ role: 'postgres', uid: null, xid: null })
        }
      } finally {
        for (const c of clients) c.release()
      }
    } finally {
      await pipelined.destroy()
    }
  })

  it('never lets role or claims reach the next borrower after an error inside the transaction', async () => {
    const tripsage = createTripSage({ db })
    const [a, b] = users as [string, string]
    const failures = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        tripsage.forUser({ sub: a }).transaction(async ({ db: trx }) => {
          // RLS refuses a row naming another user: the transaction aborts.
          await sql`insert into public.notes (user_id, body) values (${b}, 'not mine')`.execute(trx)
        }),
      ),
    )
    expect(failures.every((f) => f.status === 'rejected')).toBe(true)
    expect(await idleConnectionsState()).toEqual([
      { role: 'postgres', claims: '', uid: null },
      { role: 'postgres', claims: '', uid: null },
    ])
    const outside = await sql<{
      n: number
    }>`select count(*)::int as n from public.notes where body = 'not mine'`.execute(db)
    expect(outside.rows[0]?.n).toBe(0)
  })
})
