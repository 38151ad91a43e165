/**
 * Memory sync on the embedded default: chat messages and their memory-sync job are written in one
 * transaction (the outbox), relayed to an in-process queue that signs every delivery with real
 * HS256 keys like QStash, and handled by the same route handler production uses — verified,
 * validated, deduplicated, embedded (local embedder) and written as memories. No QStash, no Redis.
 * Run it with `pnpm --filter @tripsage/example-quickstart memory-sync`.
 */
import { createTripSage, localEmbedder, memoryKv } from '@tripsage/core'
import { openEmbeddedDatabase } from '@tripsage/core/embedded'
import { addMemorySyncToOutbox, createEmbeddedQueue, createMemorySyncHandler, relayOutbox } from '@tripsage/jobs'
import { createTestUser } from '@tripsage/testing'

const url = 'http://localhost:3000/api/jobs/memory-sync'
const { db, close } = await openEmbeddedDatabase()
const queue = createEmbeddedQueue()
try {
  const alice = await createTestUser(db, { email: 'alice@example.com' })
  const tripsage = createTripSage({ db, embedder: localEmbedder() })
  const me = tripsage.forUser(alice.claims)

  // The job route, exactly as in production — only the keys and the store are local.
  queue.route(
    url,
    createMemorySyncHandler({ tripsage, embedder: localEmbedder(), kv: memoryKv(), receiver: queue.signingKeys, url }),
  )

  const session = await me.chat.sessions.create({ title: 'Lisbon in spring' })
  await me.transaction(async (tx) => {
    const saved = await tx.chat.messages.append(session.id, [
      { role: 'user', content: 'Planning Lisbon in April. I prefer aisle seats and quiet boutique hotels.' },
      { role: 'assistant', content: 'Lovely! Shall I look at flights from Berlin on the 10th?' },
      { role: 'user', content: 'Yes — and we never fly overnight.' },
    ])
    await addMemorySyncToOutbox(tx.db, { sessionId: session.id, messageIds: saved.map((m) => m.id) })
  })
  console.log('  3 chat messages and 1 outbox job committed together')

  const relayed = await relayOutbox({ tripsage, publisher: queue, destinations: { 'memory-sync': url } })
  await queue.drain()
  console.log(
    `  relayed ${relayed.published} job; deliveries answered ${queue.deliveries.map((d) => d.status).join(', ')}`,
  )

  const sessionMemories = await me.memory.list({ sessionId: session.id })
  const preferences = await me.memory.list({ types: ['user_preference'] })
  console.log(`  session memories: ${sessionMemories.items.length}; long-term preferences: ${preferences.items.length}`)
  const [hit] = await me.memory.search({ query: 'which seat does alice like', limit: 1 })
  console.log(`  recall "which seat": ${hit?.content}`)

  // The relay runs again (a cron): nothing is left to publish, and a replayed job changes nothing.
  const again = await relayOutbox({ tripsage, publisher: queue, destinations: { 'memory-sync': url } })
  console.log(`  second relay published ${again.published}`)
} finally {
  queue.close()
  await close()
}
