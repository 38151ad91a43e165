import {
  createTestDatabase,
  createTestUser,
  type PostgresServer,
  startPostgresServer,
  type TestUser,
} from '@tripsage/testing'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type TripSage } from '../client.js'
import { migrate } from './migrate.js'
import { applyPlatform } from './platform.js'
import type { TripSageDatabase } from './schema.js'
import { createUserScope } from './scope.js'
import { guardUserTransaction } from './user-scope-guard.js'

// Security review, finding 1: a user scope is a sandbox for SQL. Each statement that could leave
// the user's role or claims is tried through the escape hatch on every engine; each must be
// refused before any row reaches the caller and before anything commits, and the service scope
// must keep working.

interface Engine {
  /** The SDK's database (the user scopes' login). */
  db: Kysely<TripSageDatabase>
  /** A superuser connection for fixtures. */
  admin: Kysely<TripSageDatabase>
  /** The service scope's database, when it differs from `db`. */
  serviceDb?: Kysely<TripSageDatabase>
  close(): Promise<void>
}

let server: PostgresServer | undefined
let nativeAdmin: Kysely<TripSageDatabase> | undefined
const pools: pg.Pool[] = []

/** One migrated native server shared by the native engines of this file. */
async function nativeServer(): Promise<{ server: PostgresServer; admin: Kysely<TripSageDatabase> }> {
  if (!server || !nativeAdmin) {
    server = await startPostgresServer()
    nativeAdmin = kyselyFor(server.url)
    await applyPlatform(nativeAdmin)
    await migrate(nativeAdmin)
    // Trust auth on loopback: the narrow role needs only LOGIN here (a password on Supabase).
    await sql`alter role tripsage_user_scope login`.execute(nativeAdmin)
  }
  return { server, admin: nativeAdmin }
}

function kyselyFor(connectionString: string): Kysely<TripSageDatabase> {
  const pool = new pg.Pool({ connectionString, max: 2 })
  pool.on('error', () => undefined)
  pools.push(pool)
  return new Kysely<TripSageDatabase>({ dialect: new PostgresDialect({ pool }) })
}

const engines: [string, () => Promise<Engine>][] = [
  [
    'PGlite',
    async () => {
      const database = await createTestDatabase()
      return { db: database.db, admin: database.db, close: () => database.close() }
    },
  ],
  [
    'PostgreSQL, SDK logged in as postgres',
    async () => {
      const { admin } = await nativeServer()
      return { db: admin, admin, close: async () => undefined }
    },
  ],
  [
    'PostgreSQL, user scopes logged in as tripsage_user_scope',
    async () => {
      const { server, admin } = await nativeServer()
      const db = kyselyFor(server.url.replace('postgres@', 'tripsage_user_scope@'))
      return { db, admin, serviceDb: admin, close: () => db.destroy() }
    },
  ],
]

afterAll(async () => {
  await nativeAdmin?.destroy()
  for (const pool of pools) await pool.end().catch(() => undefined)
  await server?.stop()
}, 60_000)

describe.each(engines)('user scope escape hatch on %s', (name, open) => {
  let engine: Engine
  let tripsage: TripSage
  let alice: TestUser
  let bob: TestUser
  const bobKey = `sk-bob-${'x'.repeat(40)}`

  beforeAll(async () => {
    engine = await open()
    tripsage = createTripSage({
      db: engine.db,
      ...(engine.serviceDb ? { serviceDb: engine.serviceDb } : {}),
    })
    alice = await createTestUser(engine.admin)
    bob = await createTestUser(engine.admin)
    await tripsage.service.keys.set(bob.id, 'openai', bobKey)
    await sql`insert into public.memories (user_id, content, content_hash, embedding, embedding_model)
      values (${bob.id}, 'bob private memory', encode(sha256('bob private memory'::bytea), 'hex'),
              array_fill(0.01::real, array[1536])::extensions.vector, 'test')`.execute(engine.admin)
  }, 180_000)

  afterAll(async () => {
    await engine?.close()
  })

  const bobClaims = () => JSON.stringify({ sub: bob.id, role: 'authenticated' })

  const attacks: [string, (bob: () => string) => ReturnType<typeof sql>][] = [
    ['reset role', () => sql`reset role`],
    ['set role service_role', () => sql`set role service_role`],
    ['set local role service_role', () => sql`set local role service_role`],
    ["set_config('role', 'service_role')", () => sql`select set_config('role', 'service_role', true)`],
    ["set_config('role', 'postgres')", () => sql`select set_config('role', 'postgres', false)`],
    ['set session authorization', () => sql`set session authorization postgres`],
    ["set_config('request.jwt.claims', …)", (c) => sql`select set_config('request.jwt.claims', ${c()}, true)`],
    ['set local request.jwt.claims', (c) => sql.raw(`set local request.jwt.claims = '${c()}'`)],
    [
      'one statement that swaps claims, reads through query_to_xml and swaps back',
      (c) => sql`select query_to_xml('select content from public.memories', true, false, '') as x
                 from (select set_config('request.jwt.claims', ${c()}, true)) s`,
    ],
    ['a DO block', (c) => sql.raw(`do $$ begin perform set_config('request.jwt.claims', '${c()}', true); end $$`)],
    ['dynamic SQL in a DO block', () => sql.raw(`do $$ begin execute 'reset ' || 'role'; end $$`)],
    [
      'a temporary function with a SET clause',
      (c) =>
        sql.raw(
          `create function pg_temp.as_bob() returns setof text language sql set request.jwt.claims = '${c()}' as 'select content from public.memories'`,
        ),
    ],
  ]

  it.each(attacks)('refuses %s, commits nothing and leaks nothing', async (_attack, statement) => {
    const tripName = `probe ${crypto.randomUUID()}`
    const seen: unknown[] = []
    await expect(
      tripsage.forUser(alice.claims).transaction(async (tx) => {
        await tx.trips.create({
          name: tripName,
          destination: 'Nowhere',
          startDate: '2027-01-01',
          endDate: '2027-01-02',
        })
        const result = await statement(bobClaims).execute(tx.db)
        seen.push(...result.rows)
        seen.push(...(await sql`select decrypted_secret from vault.decrypted_secrets`.execute(tx.db)).rows)
        seen.push(...(await sql`select content from public.memories`.execute(tx.db)).rows)
      }),
    ).rejects.toMatchObject({ code: 'forbidden' })
    expect(seen).toEqual([])
    const trips = await engine.admin.selectFrom('trips').select('id').where('name', '=', tripName).execute()
    expect(trips).toEqual([])
  })

  it('refuses the same statements through me.scope.run and tx.scope.run', async () => {
    const me = tripsage.forUser(alice.claims)
    await expect(me.scope.run((trx) => sql`reset role`.execute(trx))).rejects.toMatchObject({ code: 'forbidden' })
    await expect(
      me.transaction((tx) => tx.scope.run((trx) => sql`set local role service_role`.execute(trx))),
    ).rejects.toMatchObject({ code: 'forbidden' })
  })

  it('a refused statement changes nothing, so a caller that catches it stays the user', async () => {
    const who = await tripsage.forUser(alice.claims).transaction(async ({ db }) => {
      await sql`reset role`.execute(db).catch(() => undefined)
      const { rows } = await sql<{ role: string; uid: string }>`select current_user as role, auth.uid() as uid`.execute(
        db,
      )
      return rows[0]
    })
    expect(who).toEqual({ role: 'authenticated', uid: alice.id })
  })

  it('fails the transaction when the session is found outside the user (a change the screen missed)', async () => {
    const scope = createUserScope(engine.db, alice.claims)
    const tripName = `probe ${crypto.randomUUID()}`
    await expect(
      scope.run(async (trx) => {
        await trx
          .insertInto('trips')
          .values({
            user_id: alice.id,
            name: tripName,
            destination: 'x',
            start_date: '2027-01-01',
            end_date: '2027-01-02',
          })
          .execute()
        // Stand-in for a bypass of the screen: the claims change before the guard is made.
        await sql`select set_config('request.jwt.claims', ${bobClaims()}, true)`.execute(trx)
        const guarded = guardUserTransaction(trx, alice.id)
        await expect(sql`select content from public.memories`.execute(guarded)).rejects.toMatchObject({
          code: 'forbidden',
        })
        // The transaction is failed: even the SDK's own statements are refused now.
        await sql`select 1`.execute(trx)
      }),
    ).rejects.toThrow()
    const trips = await engine.admin.selectFrom('trips').select('id').where('name', '=', tripName).execute()
    expect(trips).toEqual([])
  })

  it('still runs ordinary custom SQL as the user, under RLS', async () => {
    const rows = await tripsage.forUser(alice.claims).transaction(async ({ db }) => {
      await sql`select set_config('realtime.topic', ${`user:${alice.id}`}, true)`.execute(db)
      return (await sql<{ n: number }>`select count(*)::int as n from public.memories`.execute(db)).rows
    })
    expect(rows).toEqual([{ n: 0 }])
  })

  it('keeps the service scope working', async () => {
    const role = await tripsage.service.transaction(
      async ({ db }) => (await sql<{ role: string }>`select current_user as role`.execute(db)).rows[0]?.role,
    )
    expect(role).toBe('service_role')
    await expect(tripsage.service.keys.get(bob.id, 'openai')).resolves.toBe(bobKey)
  })

  it.runIf(name.includes('tripsage_user_scope'))(
    'the login role itself can become only authenticated (no guard involved)',
    async () => {
      const scope = createUserScope(engine.db, alice.claims)
      const attempt = (text: string) =>
        scope.run(async (trx) => {
          await sql.raw(text).execute(trx)
          return (await sql`select decrypted_secret from vault.decrypted_secrets`.execute(trx)).rows
        })
      for (const text of [
        'reset role',
        'set local role service_role',
        "select set_config('role', 'service_role', true)",
        'set local role postgres',
        'set session authorization postgres',
      ]) {
        await expect(attempt(text), text).rejects.toMatchObject({ code: expect.stringMatching(/^(42501|forbidden)$/) })
      }
    },
  )
})
