// Type-checked (not run) against the published .d.ts files, as an ESM consumer under node16.
import { createTripSage, type TripSage, TripSageError, type UserClient } from '@tripsage/core'
import { openEmbeddedDatabase } from '@tripsage/core/embedded'
import { nonRetryableResponse } from '@tripsage/jobs'
import { createTestUser, type TestUser } from '@tripsage/testing'

const { db } = await openEmbeddedDatabase()
const user: TestUser = await createTestUser(db)
const tripsage: TripSage = createTripSage({ db })
const me: UserClient = tripsage.forUser(user.claims)
const names: string[] = (await me.trips.list()).items.map((trip) => trip.name)
const viaSql: string[] = await me.transaction(async ({ db: tx }) =>
  (await tx.selectFrom('trips').select('name').execute()).map((row) => row.name),
)
const response: Response = nonRetryableResponse('validation', 'bad payload')
// @ts-expect-error a trip name is a string: this fails if the published types degrade to `any`
const wrong: number = names[0]
export const results = {
  names,
  status: response.status,
  guard: TripSageError.isInstance(new Error('x')),
  wrong,
  viaSql,
}
