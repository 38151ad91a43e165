// Runs inside a temporary project that installed the packed tarballs: the published ESM entry points.
import { createRequire } from 'node:module'
import { createRateLimiter, createTripSage, memoryKv, TripSageError } from '@tripsage/core'
import { openEmbeddedDatabase } from '@tripsage/core/embedded'
import { NON_RETRYABLE_STATUS, nonRetryableResponse } from '@tripsage/jobs'
import { createTestUser } from '@tripsage/testing'

const checks = []
const check = (name, ok) => {
  if (!ok) throw new Error(`check failed: ${name}`)
  checks.push(name)
}

const { db, migration, close } = await openEmbeddedDatabase()
try {
  check('migrations applied', (migration?.applied.length ?? 0) > 0)
  const alice = await createTestUser(db, { email: 'alice@example.com' })
  const bob = await createTestUser(db, { email: 'bob@example.com' })
  const tripsage = createTripSage({ db })
  const trip = await tripsage.forUser(alice.claims).transaction(({ db: tx }) =>
    tx
      .insertInto('trips')
      .values({
        user_id: alice.id,
        name: 'Lisbon',
        destination: 'Lisbon',
        start_date: '2027-04-10',
        end_date: '2027-04-17',
      })
      .returning('id')
      .executeTakeFirstOrThrow(),
  )
  const aliceSees = await tripsage
    .forUser(alice.claims)
    .transaction(({ db: tx }) => tx.selectFrom('trips').select('id').execute())
  const bobSees = await tripsage
    .forUser(bob.claims)
    .transaction(({ db: tx }) => tx.selectFrom('trips').select('id').execute())
  check('RLS: the owner sees the trip', aliceSees.length === 1 && aliceSees[0].id === trip.id)
  check('RLS: another user does not', bobSees.length === 0)

  let refused
  try {
    tripsage.forUser({ sub: 'not-a-uuid' })
  } catch (error) {
    refused = error
  }
  check('bad claims throw a TripSageError', TripSageError.isInstance(refused) && refused.code === 'validation')

  // The dual-package hazard: an error from the CJS build is still recognised by the ESM guard.
  const cjsCore = createRequire(import.meta.url)('@tripsage/core')
  let cjsError
  try {
    cjsCore.createTripSage({ db }).forUser({ sub: 42 })
  } catch (error) {
    cjsError = error
  }
  check('isInstance works across the ESM and CJS builds', TripSageError.isInstance(cjsError))

  const limiter = createRateLimiter({ kv: memoryKv(), rules: { demo: { limit: 1, window: '60 s' } } })
  const first = await limiter.check('demo', alice.id)
  const second = await limiter.check('demo', alice.id)
  check('rate limiter on memoryKv', first.success && !second.success)

  const response = nonRetryableResponse('validation', 'bad payload')
  check('jobs: non-retryable response', response.status === NON_RETRYABLE_STATUS)
} finally {
  await close()
}
console.log(JSON.stringify({ module: 'esm', checks }))
