import { createTestDatabase, createTestUser, type TestDatabase } from '@tripsage/testing'
import { CompiledQuery, sql } from 'kysely'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createTripSage } from '../client.js'

/*
 * Listing one user's trips must not scan everyone's: the select policy
 * (migration 20261124001000) is answerable from trips_user_id_idx and the primary key.
 */

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
  await sql`
    insert into auth.users (id, aud, role, email)
    select gen_random_uuid(), 'authenticated', 'authenticated', 'bulk-' || g || '@example.test'
    from generate_series(1, 500) g
  `.execute(database.db)
  await sql`
    insert into public.trips (user_id, name, destination, start_date, end_date)
    select u.id, 'Trip ' || g, 'Somewhere', date '2026-01-01' + g, date '2026-01-01' + g + 3
    from auth.users u, generate_series(1, 10) g
    where u.email like 'bulk-%'
  `.execute(database.db)
})
afterAll(() => database.close())

it('lists through the indexes at 5 000 trips of 500 other users, owned and shared alike', async () => {
  const alice = await createTestUser(database.db)
  let listStatement: CompiledQuery | undefined
  const logged = database.connect({
    log: (event) => {
      if (/from public\.trips as trip/.test(event.query.sql) && /order by/.test(event.query.sql)) {
        listStatement = event.query as CompiledQuery
      }
    },
  })
  const me = createTripSage({ db: logged }).forUser(alice.claims)
  for (let i = 0; i < 3; i++) {
    await me.trips.create({ name: `Mine ${i}`, destination: 'Home', startDate: '2026-02-01', endDate: '2026-02-02' })
  }
  await sql`
    insert into public.trip_collaborators (trip_id, user_id, role)
    select id, ${alice.id}, 'viewer' from public.trips where name = 'Trip 7' limit 4
  `.execute(database.db)
  await sql`analyze`.execute(database.db)

  const page = await me.trips.list({ sortBy: 'startDate', limit: 50 })
  expect(page.items).toHaveLength(7)

  const plan = await me.transaction(async ({ db }) =>
    db.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`explain ${listStatement!.sql}`, [...listStatement!.parameters]),
    ),
  )
  const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n')
  expect(text).not.toMatch(/Seq Scan on trips/)
  expect(text).toMatch(/Index Scan using trips_user_id_idx|Bitmap Index Scan on trips_user_id_idx/)
  expect(text).not.toMatch(/has_trip_access\(trip\.id\)|has_trip_access\(id\)/)
})
