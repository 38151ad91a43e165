import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import { type CompiledQuery, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type UserClient } from './client.js'
import { explainAnalyze, planNodes } from './db/query-plan.test-support.js'
import type { Page } from './pagination.js'

/*
 * Keyset lists read their page from an index in their order (migration 20261206110000, decision
 * 0020): chat sessions and attachments, the caller's own and a trip's, first page and a later one.
 * Each list runs through the SDK with a logging Kysely; its exact statement is then EXPLAIN
 * ANALYZEd as the same user, so RLS (a collaborator's has_trip_access per row) is in the plan.
 */

const PER_GROUP = 3_000
const LIMIT = 20

let database: TestDatabase
let owner: TestUser
let collaborator: TestUser
let tripId: string

beforeAll(async () => {
  database = await createTestDatabase()
  const db = database.db
  owner = await createTestUser(db)
  collaborator = await createTestUser(db)
  const others = await Promise.all(Array.from({ length: 4 }, () => createTestUser(db)))
  const me = createTripSage({ db }).forUser(owner.claims)
  tripId = (
    await me.trips.create({ name: 'Busy', destination: 'Lisbon', startDate: '2027-01-01', endDate: '2027-01-09' })
  ).id
  await me.trips.collaborators.add(tripId, { userId: collaborator.id, role: 'viewer' })
  // Per table: the owner's rows in the trip, the owner's rows in no trip, and other users' rows;
  // PER_GROUP each, created a second apart. Superuser, triggers off (replica mode): bulk data only.
  const userIds = sql.raw(`array[${others.map((u) => `'${u.id}'::uuid`).join(', ')}]`)
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx)
    await sql`
      insert into public.chat_sessions (user_id, trip_id, title, created_at)
      select case g.kind when 2 then (${userIds})[1 + i % 4] else ${owner.id}::uuid end,
             case g.kind when 0 then ${tripId}::uuid end,
             'session ' || i, timestamptz '2026-01-01' + make_interval(secs => i)
      from generate_series(0, 2) g(kind), generate_series(1, ${PER_GROUP}) i`.execute(trx)
    await sql`
      insert into public.file_attachments
        (user_id, trip_id, filename, original_filename, file_size, mime_type, file_path, upload_status, created_at)
      select u.id, case g.kind when 0 then ${tripId}::uuid end, 'f' || i || '.txt', 'f' || i || '.txt', 10,
             'text/plain', u.id || '/' || g.kind || '/' || i || '.txt', 'completed',
             timestamptz '2026-01-01' + make_interval(secs => i)
      from generate_series(0, 2) g(kind), generate_series(1, ${PER_GROUP}) i,
           lateral (select case g.kind when 2 then (${userIds})[1 + i % 4] else ${owner.id}::uuid end as id) u`.execute(
      trx,
    )
  })
  await sql`analyze public.chat_sessions`.execute(db)
  await sql`analyze public.file_attachments`.execute(db)
}, 120_000)

afterAll(() => database?.close())

type Lister = (me: UserClient, input: { tripId?: string; limit: number; cursor?: string }) => Promise<Page<unknown>>

const lists: [string, string, Lister][] = [
  ['chat.sessions.list', 'chat_sessions', (me, input) => me.chat.sessions.list(input)],
  ['attachments.list', 'file_attachments', (me, input) => me.attachments.list(input)],
]
const scopes = [
  { scope: 'own rows, as the owner', byTrip: false },
  { scope: "a trip's rows, as a collaborator", byTrip: true },
] as const

describe.each(lists)('%s', (_name, table, list) => {
  /** The list statements the SDK sends for the first two pages, and the second page. */
  async function twoPages(user: TestUser, byTrip: boolean) {
    const sent: CompiledQuery[] = []
    const logged = database.connect({
      log: (event) => {
        if (event.level === 'query' && new RegExp(`from "${table}"`).test(event.query.sql)) sent.push(event.query)
      },
    })
    const me = createTripSage({ db: logged }).forUser(user.claims)
    const input = { ...(byTrip ? { tripId } : {}), limit: LIMIT }
    const first = await list(me, input)
    const second = await list(me, { ...input, cursor: first.nextCursor ?? undefined })
    return { sent, first, second }
  }

  it.each(scopes)('$scope: each page is an index scan in list order that stops after the page', async ({ byTrip }) => {
    const user = byTrip ? collaborator : owner
    const { sent, first, second } = await twoPages(user, byTrip)
    expect(first.items).toHaveLength(LIMIT)
    expect(second.items).toHaveLength(LIMIT)
    expect(sent).toHaveLength(2)
    const index = `${table}_${byTrip ? 'trip_id' : 'user_id'}_created_at_id_idx`
    const me = createTripSage({ db: database.db }).forUser(user.claims)
    for (const statement of sent) {
      const plan = await me.transaction(({ db }) => explainAnalyze(db, statement))
      const all = planNodes(plan)
      const scan = all.find((n) => n['Relation Name'] === table)
      expect(scan?.['Node Type'], JSON.stringify(plan)).toBe('Index Scan')
      expect(scan?.['Index Name']).toBe(index)
      expect(scan?.['Scan Direction']).toBe('Forward')
      expect(all.map((n) => n['Node Type'])).not.toContain('Sort')
      expect(all.map((n) => n['Node Type'])).not.toContain('Incremental Sort')
      expect(scan?.['Actual Rows']).toBe(LIMIT + 1)
    }
  })
})
