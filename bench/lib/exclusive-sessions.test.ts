import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type SocketDatabase, serveOverSocket } from './socket-database.js'

// PGlite (one session) behind pglite-socket and the exclusive-sessions proxy, reached by two pools
// at once: one sends extended-protocol batches of 1–150 large parameters (each its own statement
// shape, as LangChain's INSERT is), the other short transactions. Straight to pglite-socket the
// same load binds batches to each other's unnamed statements and then hangs
// (electric-sql/pglite#1046); through the proxy every answer is the one its query asked for.
let pglite: PGlite
let socket: SocketDatabase

beforeAll(async () => {
  pglite = await PGlite.create()
  socket = await serveOverSocket(pglite, { delayMs: 0, maxConnections: 32 })
})

afterAll(async () => {
  await socket?.close()
  await pglite?.close()
})

it('keeps each connection’s protocol exchange together on the one session', async () => {
  const batches = new pg.Pool({ connectionString: socket.sessionUrl, max: 8 })
  const transactions = new pg.Pool({ connectionString: socket.sessionUrl, max: 4 })
  const answers: Promise<string>[] = []
  for (let i = 0; i < 200; i++) {
    const n = 1 + (i % 150)
    const params = Array.from({ length: n }, (_, k) => String(k).padStart(2000, '0'))
    const text = `select ${params.map((_, k) => `$${k + 1}::text::int`).join(' + ')} as s`
    answers.push(
      batches.query<{ s: number }>(text, params).then(
        (r) => (Number(r.rows[0]?.s) === (n * (n - 1)) / 2 ? 'right' : 'wrong'),
        (error: Error) => `error: ${error.message}`,
      ),
    )
  }
  for (let t = 0; t < 50; t++)
    answers.push(
      (async () => {
        const client = await transactions.connect()
        try {
          await client.query('begin')
          const { rows } = await client.query<{ one: number }>('select $1::int as one', [t])
          await client.query('commit')
          return rows[0]?.one === t ? 'right' : 'wrong'
        } catch (error) {
          return `error: ${(error as Error).message}`
        } finally {
          client.release()
        }
      })(),
    )
  const outcomes = await Promise.all(answers)
  await batches.end()
  await transactions.end()
  expect(outcomes.filter((o) => o !== 'right')).toEqual([])
}, 60_000)
