// Runs inside a temporary project that installed the packed tarballs: the published CJS entry points.
const { createTripSage, TripSageError } = require('@tripsage/core')
const { openEmbeddedDatabase } = require('@tripsage/core/embedded')
const { nonRetryableResponse } = require('@tripsage/jobs')
const { createTestDatabase, createTestUser } = require('@tripsage/testing')

const checks = []
const check = (name, ok) => {
  if (!ok) throw new Error(`check failed: ${name}`)
  checks.push(name)
}

async function main() {
  check('embedded entry loads', typeof openEmbeddedDatabase === 'function')
  const database = await createTestDatabase()
  try {
    const carol = await createTestUser(database.db)
    const me = createTripSage({ db: database.db }).forUser(carol.claims)
    const uid = await me.transaction(({ db }) =>
      db
        .selectFrom('trips')
        .select((eb) => eb.fn.countAll().as('count'))
        .executeTakeFirstOrThrow(),
    )
    check('a user-scoped query runs', Number(uid.count) === 0)
    try {
      createTripSage({ db: database.db }).forUser({})
      check('bad claims throw', false)
    } catch (error) {
      check('bad claims throw a TripSageError', TripSageError.isInstance(error) && error.code === 'validation')
    }
    check(
      'jobs: responses',
      nonRetryableResponse('validation', 'x').headers.get('Upstash-NonRetryable-Error') === 'true',
    )
  } finally {
    await database.close()
  }
  console.log(JSON.stringify({ module: 'cjs', checks }))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
