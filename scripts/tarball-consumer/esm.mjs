// Runs inside a temporary project that installed the packed tarballs: the published ESM entry points.
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRateLimiter, createTripSage, memoryKv, TripSageError } from '@tripsage/core'
import { openEmbeddedDatabase } from '@tripsage/core/embedded'
import { fileSystemStorage } from '@tripsage/core/storage/fs'
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
  const storage = fileSystemStorage({
    dir: join(tmpdir(), `tripsage-consumer-files-${process.pid}`),
    signingSecret: 'a-signing-secret-of-at-least-32-bytes!!',
    baseUrl: 'http://localhost:3000/storage',
  })
  const tripsage = createTripSage({ db, storage })
  const asAlice = tripsage.forUser(alice.claims)
  const asBob = tripsage.forUser(bob.claims)
  const trip = await asAlice.trips.create({
    name: 'Lisbon',
    destination: 'Lisbon',
    startDate: '2027-04-10',
    endDate: '2027-04-17',
  })
  check('RLS: another user does not see the trip', (await asBob.trips.list()).items.length === 0)
  await asAlice.trips.collaborators.add(trip.id, { userId: bob.id, role: 'viewer' })
  const bobSees = await asBob.trips.list()
  check('RLS: a viewer sees it', bobSees.items.length === 1 && bobSees.items[0].id === trip.id)
  let denied
  try {
    await asBob.trips.update(trip.id, { name: 'Bob was here' })
  } catch (error) {
    denied = error
  }
  check('a viewer cannot rename it', TripSageError.isInstance(denied) && denied.code === 'forbidden')

  const bytes = new TextEncoder().encode('hello from the tarball')
  const upload = await asAlice.attachments.createUpload({
    tripId: trip.id,
    filename: 'notes.txt',
    mimeType: 'text/plain',
    size: bytes.byteLength,
  })
  await asAlice.attachments.complete(upload.attachment.id, bytes)
  const signed = await asAlice.attachments.signedUrl(upload.attachment.id)
  check('attachments: upload, complete, signed URL', signed.url.startsWith('http://localhost:3000/storage/'))

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
