/**
 * The TripSage quickstart: the whole SDK end to end, on the embedded default — PGlite with
 * pgvector, files on disk, in-memory KV, an in-process job queue and the local embedder — so it
 * needs no account or service. Run it with `pnpm demo`. Set the variables listed in `ports.ts` to
 * use real Supabase, Upstash, QStash and OpenAI instead.
 */
import { createTripSage, TripSageError } from '@tripsage/core'
import { addMemorySyncToOutbox, createMemorySyncHandler, relayOutbox } from '@tripsage/jobs'
import { createTestUser } from '@tripsage/testing'
import { openPorts } from './ports.ts'

const started = performance.now()
let last = started
/** Prints a step with the time since the previous one. */
function step(text: string): void {
  const now = performance.now()
  console.log(`  ${text.padEnd(78)} ${(now - last).toFixed(0).padStart(5)} ms`)
  last = now
}
/** Runs a call that must be refused and names the error code it got. */
async function refused(call: () => Promise<unknown>): Promise<string> {
  try {
    await call()
    return 'ALLOWED (unexpected)'
  } catch (error) {
    if (TripSageError.isInstance(error)) return error.code
    throw error
  }
}

console.log('TripSage quickstart\n')
const ports = await openPorts()
for (const line of ports.description) console.log(`  ${line}`)
console.log()
step(`opened the database and applied ${ports.migrations} migrations`)

try {
  const { db, storage, embedder } = ports
  const tripsage = createTripSage({ db, storage, embedder })
  const alice = await createTestUser(db, { email: `alice+${Date.now()}@example.com` })
  const bob = await createTestUser(db, { email: `bob+${Date.now()}@example.com` })
  const asAlice = tripsage.forUser(alice.claims)
  const asBob = tripsage.forUser(bob.claims)
  step('created alice and bob (auth.users) — every call below runs as one of them, under RLS')

  console.log('\nTrips')
  const trip = await asAlice.trips.create({
    name: 'Lisbon in spring',
    destination: 'Lisbon, Portugal',
    startDate: '2027-04-10',
    endDate: '2027-04-17',
    budget: 2400,
    travelers: 2,
  })
  const flight = await asAlice.flights.add(trip.id, {
    origin: 'BER',
    destination: 'LIS',
    departureDate: '2027-04-10',
    airline: 'TAP',
    flightNumber: 'TP 533',
    price: 189.9,
  })
  const stay = await asAlice.accommodations.add(trip.id, {
    name: 'Casa do Largo',
    checkInDate: '2027-04-10',
    checkOutDate: '2027-04-17',
    pricePerNight: 120,
    totalPrice: 840,
  })
  await asAlice.itinerary.add(trip.id, { title: 'Land in Lisbon', day: '2027-04-10', flightId: flight.id })
  await asAlice.itinerary.add(trip.id, { title: 'Check in', day: '2027-04-10', accommodationId: stay.id })
  await asAlice.itinerary.add(trip.id, { title: 'Tram 28 to Alfama', day: '2027-04-11', itemType: 'activity' })
  step(`alice created "${trip.name}" with a flight, a stay and 3 itinerary items`)
  const full = await asAlice.trips.get(trip.id, { include: ['flights', 'accommodations', 'itinerary'] })
  step(
    `the trip with everything, in one statement: ${full.flights.length} flight, ${full.accommodations.length} stay, ${full.itinerary.length} items`,
  )

  step(`bob looks for the trip before he is invited: ${await refused(() => asBob.trips.get(trip.id))}`)
  await asAlice.trips.collaborators.add(trip.id, { userId: bob.id, role: 'viewer' })
  const seen = await asBob.trips.get(trip.id, { include: ['itinerary'] })
  step(`alice invited bob as viewer; bob now reads "${seen.name}" and its ${seen.itinerary.length} items`)
  step(`bob (viewer) renames the trip: ${await refused(() => asBob.trips.update(trip.id, { name: 'Bob was here' }))}`)
  step(
    `bob (viewer) adds a flight: ${await refused(() => asBob.flights.add(trip.id, { origin: 'LIS', destination: 'OPO', departureDate: '2027-04-12', price: 60 }))}`,
  )
  step(`bob (viewer) deletes the trip: ${await refused(() => asBob.trips.delete(trip.id))}`)
  step(
    `a trip ending before it starts: ${await refused(() => asAlice.trips.create({ name: 'x', destination: 'y', startDate: '2027-05-02', endDate: '2027-05-01' }))} (nothing written)`,
  )

  console.log('\nChat → memory sync (outbox → signed delivery → job handler) → recall')
  const jobUrl = process.env.TRIPSAGE_JOB_URL ?? 'http://localhost:3000/api/jobs/memory-sync'
  ports.queue?.route(
    jobUrl,
    createMemorySyncHandler({ tripsage, embedder, kv: ports.kv, receiver: ports.receiver, url: jobUrl }),
  )
  const session = await asAlice.chat.sessions.create({ tripId: trip.id, title: 'Planning Lisbon' })
  await asAlice.transaction(async (tx) => {
    const saved = await tx.chat.messages.append(session.id, [
      { role: 'user', content: 'Planning Lisbon in April. I prefer aisle seats and quiet boutique hotels.' },
      { role: 'assistant', content: 'Lovely! Shall I look at flights from Berlin on the 10th?' },
      { role: 'user', content: 'Yes — and we never fly overnight. Booking reference QX7Z9 is the hotel.' },
    ])
    await addMemorySyncToOutbox(tx.db, { sessionId: session.id, messageIds: saved.map((m) => m.id) })
  })
  step('3 chat messages and their memory-sync job committed in one transaction')
  const history = await asBob.chat.messages.history(session.id, { limit: 2, order: 'newest' })
  step(
    `bob (trip viewer) reads the chat: ${history.items.length} newest messages, more: ${history.nextCursor !== null}`,
  )

  const relayed = await relayOutbox({ tripsage, publisher: ports.publisher, destinations: { 'memory-sync': jobUrl } })
  await ports.queue?.drain()
  step(
    `relayed ${relayed.published} job; ${ports.queue ? `delivery answered ${ports.queue.deliveries.map((d) => d.status).join(', ')}` : 'QStash delivers it to your job route'}`,
  )
  if (ports.queue) {
    const replay = await relayOutbox({ tripsage, publisher: ports.publisher, destinations: { 'memory-sync': jobUrl } })
    step(`the relay runs again (a cron): published ${replay.published} — exactly one job per commit`)
    const sessionMemories = await asAlice.memory.list({ sessionId: session.id })
    const preferences = await asAlice.memory.list({ types: ['user_preference'] })
    step(
      `memories written by the job: ${sessionMemories.items.length} for the session, ${preferences.items.length} long-term preferences`,
    )
  }
  await asAlice.memory.add({ type: 'trip_history', content: 'Loved the pastel de nata at Manteigaria in 2024.' })

  const [semantic] = await asAlice.memory.search({ query: 'which seat does alice like', limit: 1 })
  step(`semantic recall "which seat does alice like" → "${semantic?.content.slice(0, 60)}…"`)
  // The booking code lives in the chat's session memories (memory learning keeps only the stated
  // preference as a long-term fact), so the hybrid search looks there.
  const [hybrid] = await asAlice.memory.hybridSearch({ query: 'QX7Z9', sessionId: session.id, limit: 1 })
  step(
    `hybrid recall "QX7Z9" in the chat's memories → "…${hybrid?.content.slice(-40)}" (full-text rank ${hybrid?.textRank}, vector rank ${hybrid?.vectorRank})`,
  )
  const bobs = await asBob.memory.search({ query: 'which seat does alice like', limit: 5 })
  step(`bob searches the same words: ${bobs.length} hits (memories are owner-only)`)

  console.log('\nAttachments')
  const pdf = new TextEncoder().encode('%PDF-1.7\n% a boarding pass\n')
  const upload = await asAlice.attachments.createUpload({
    tripId: trip.id,
    filename: '../Boarding pass?.pdf',
    mimeType: 'application/pdf',
    size: pdf.byteLength,
  })
  await fetch(upload.upload.url, { method: upload.upload.method, headers: upload.upload.headers, body: pdf })
  const done = await asAlice.attachments.complete(upload.attachment.id)
  step(`uploaded to a signed target and completed: ${done.uploadStatus}, stored as ${done.path.split('/').at(-1)}`)
  const link = await asAlice.attachments.signedUrl(done.id, { expiresIn: 300 })
  const served = await fetch(link.url)
  step(
    `a signed URL valid for 5 minutes served ${(await served.arrayBuffer()).byteLength} bytes (${served.headers.get('content-type')})`,
  )
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  const fake = await asAlice.attachments.createUpload({ filename: 'visa.pdf', mimeType: 'application/pdf', size: 8 })
  step(`a PNG declared as PDF: ${await refused(() => asAlice.attachments.complete(fake.attachment.id, png))}`)
  const stranger = await createTestUser(db)
  step(
    `a stranger asks for alice's file: ${await refused(() => tripsage.forUser(stranger.claims).attachments.signedUrl(done.id))}`,
  )

  console.log('\nBYOK keys (Vault)')
  await tripsage.service.keys.set(alice.id, 'openai', 'sk-quickstart-not-a-real-key-0123456789')
  const keys = await asAlice.keys.list()
  step(
    `stored alice's openai key; she lists: ${keys.map((k) => `${k.service} (${Object.keys(k).join(', ')})`).join('; ')}`,
  )
  step(`vault health: ${(await tripsage.service.keys.health()).healthy ? 'ok' : 'failing'}`)
} finally {
  await ports.close()
}
console.log(`\ndone in ${((performance.now() - started) / 1000).toFixed(1)} s`)
