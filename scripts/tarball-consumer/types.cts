// Type-checked (not run) against the published .d.cts files, as a CommonJS consumer under node16.
import core = require('@tripsage/core')
import testing = require('@tripsage/testing')

export async function countTrips(): Promise<number> {
  const database = await testing.createTestDatabase()
  const user = await testing.createTestUser(database.db)
  const me = core.createTripSage({ db: database.db }).forUser(user.claims)
  const rows = await me.transaction(({ db }) => db.selectFrom('trips').select('id').execute())
  // @ts-expect-error userId is a string: this fails if the published types degrade to `any`
  const wrong: number = me.userId
  await database.close()
  return rows.length + wrong
}
