/**
 * The TripSage quickstart: everything on the embedded default (PGlite + pgvector, no services).
 * Run it with `pnpm demo`. It grows with the SDK; today it shows the foundation — migrations,
 * users, and Row Level Security deciding what each user sees.
 */
import { createTripSage, TripSageError } from '@tripsage/core'
import { openEmbeddedDatabase } from '@tripsage/core/embedded'
import { createTestUser } from '@tripsage/testing'
import { sql } from 'kysely'

const started = performance.now()
const lap = (label: string, since: number) =>
  console.log(`  ${label.padEnd(44)} ${(performance.now() - since).toFixed(0).padStart(5)} ms`)

console.log('TripSage quickstart (embedded: PGlite + pgvector)\n')
let t = performance.now()
const { db, migration, close } = await openEmbeddedDatabase()
lap(`opened and migrated (${migration?.applied.length ?? 0} migrations)`, t)

try {
  t = performance.now()
  const alice = await createTestUser(db, { email: 'alice@example.com' })
  const bob = await createTestUser(db, { email: 'bob@example.com' })
  lap('created alice and bob in auth.users', t)

  const tripsage = createTripSage({ db })
  const asAlice = tripsage.forUser(alice.claims)
  const asBob = tripsage.forUser(bob.claims)

  t = performance.now()
  const trip = await asAlice.transaction(async ({ db: tx }) => {
    const row = await tx
      .insertInto('trips')
      .values({
        user_id: alice.id,
        name: 'Lisbon in spring',
        destination: 'Lisbon',
        start_date: '2027-04-10',
        end_date: '2027-04-17',
      })
      .returning(['id', 'name'])
      .executeTakeFirstOrThrow()
    return row
  })
  lap(`alice created trip "${trip.name}"`, t)

  t = performance.now()
  const bobSees = await asBob.transaction(({ db: tx }) => tx.selectFrom('trips').select('id').execute())
  lap(`bob sees ${bobSees.length} trips (RLS: not a collaborator)`, t)

  t = performance.now()
  await asAlice.transaction(({ db: tx }) =>
    tx.insertInto('trip_collaborators').values({ trip_id: trip.id, user_id: bob.id, role: 'viewer' }).execute(),
  )
  const nowBobSees = await asBob.transaction(({ db: tx }) => tx.selectFrom('trips').select('name').execute())
  lap(`after the invite bob sees ${nowBobSees.length} trip as viewer`, t)

  t = performance.now()
  const renamed = await asBob.transaction(({ db: tx }) =>
    tx.updateTable('trips').set({ name: 'Bob was here' }).where('id', '=', trip.id).executeTakeFirst(),
  )
  lap(`bob's rename as viewer changed ${renamed.numUpdatedRows} rows`, t)

  try {
    tripsage.forUser({ sub: 'not-a-uuid' })
  } catch (error) {
    if (TripSageError.isInstance(error)) console.log(`  bad claims are refused: ${error.code} — ${error.message}`)
  }

  const who = await asAlice.transaction(({ db: tx }) =>
    sql<{ uid: string }>`select auth.uid()::text as uid`.execute(tx),
  )
  console.log(`  inside alice's scope auth.uid() = ${who.rows[0]?.uid === alice.id ? 'alice' : 'someone else?!'}`)
} finally {
  await close()
}
console.log(`\ndone in ${(performance.now() - started).toFixed(0)} ms`)
