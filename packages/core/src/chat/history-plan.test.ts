import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type TripSage } from '../client.js'
import { jsonbValue } from '../db/json-param.js'
import { explainAnalyze, planNodes } from '../db/query-plan.test-support.js'
import { chatHistoryQuery, type HistoryPageKey } from './history-query.js'

let database: TestDatabase
let tripsage: TripSage
let owner: TestUser
let sessionId: string
let middleSeq: number

beforeAll(async () => {
  database = await createTestDatabase()
  tripsage = createTripSage({ db: database.db })
  owner = await createTestUser(database.db)
  const me = tripsage.forUser(owner.claims)
  sessionId = (await me.chat.sessions.create()).id
  const others = await Promise.all(Array.from({ length: 20 }, () => me.chat.sessions.create()))
  // One statement as superuser: 50 000 messages, every fifth in the session under test (10 000),
  // the rest spread over 20 other sessions, interleaved as concurrent conversations would be.
  // Triggers are off for the bulk load only (replica mode): 50 000 broadcasts are not the subject.
  await database.db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx)
    await sql`
      insert into public.chat_messages (session_id, user_id, role, content)
      select case when i % 5 = 0 then ${sessionId}::uuid
                  else (${jsonbValue(others.map((s) => s.id))} ->> (i % 20))::uuid end,
             ${owner.id}::uuid,
             case when i % 2 = 0 then 'user' else 'assistant' end,
             'message ' || i
      from generate_series(1, 50000) as i
    `.execute(trx)
  })
  await sql`analyze public.chat_messages`.execute(database.db)
  const middle = await database.db
    .selectFrom('chat_messages')
    .select('seq')
    .where('session_id', '=', sessionId)
    .orderBy('seq')
    .offset(5000)
    .limit(1)
    .executeTakeFirstOrThrow()
  middleSeq = Number(middle.seq)
}, 120_000)

afterAll(() => database.close())

describe('history paging plan at 10 000 messages', () => {
  const keys: [string, Omit<HistoryPageKey, 'afterSeq'>, boolean][] = [
    ['first page, newest first', { order: 'newest', fetch: 51 }, false],
    ['first page, oldest first', { order: 'oldest', fetch: 51 }, false],
    ['a middle page, newest first', { order: 'newest', fetch: 51 }, true],
    ['a middle page, oldest first', { order: 'oldest', fetch: 51 }, true],
  ]

  it.each(keys)(
    '%s: an index range scan on (session_id, seq) that stops after the page',
    async (_label, key, fromMiddle) => {
      const me = tripsage.forUser(owner.claims)
      // EXPLAIN ANALYZE the exact statement the repository runs, as the user (RLS applies).
      const plan = await me.transaction(({ db }) =>
        explainAnalyze(
          db,
          chatHistoryQuery(db, sessionId, { ...key, afterSeq: fromMiddle ? middleSeq : null }).compile(),
        ),
      )
      const all = planNodes(plan)
      const scan = all.find((n) => n['Relation Name'] === 'chat_messages')
      expect(scan?.['Node Type'], JSON.stringify(plan)).toMatch(/^Index (Only )?Scan$/)
      expect(scan?.['Index Name']).toBe('chat_messages_session_id_seq_idx')
      expect(scan?.['Scan Direction']).toBe(key.order === 'newest' ? 'Backward' : 'Forward')
      expect(all.map((n) => n['Node Type'])).not.toContain('Sort')
      expect(all.map((n) => n['Node Type'])).not.toContain('Seq Scan')
      expect(scan?.['Actual Rows']).toBe(51)
    },
  )

  it('serves the page through the SDK', async () => {
    const page = await tripsage.forUser(owner.claims).chat.messages.history(sessionId, { limit: 50 })
    expect(page.items).toHaveLength(50)
    expect(page.items[0]?.content).toBe('message 50000')
  })
})
