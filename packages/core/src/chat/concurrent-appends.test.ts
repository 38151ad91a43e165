import { randomUUID } from 'node:crypto'
import { type PostgresServer, startPostgresServer } from '@tripsage/testing'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type TripSage } from '../client.js'
import { bundledMigrations, migrate } from '../db/migrate.js'
import { applyPlatform } from '../db/platform.js'
import type { TripSageDatabase } from '../db/schema.js'
import type { ChatMessage } from './schema.js'

// PGlite runs one transaction at a time, so it cannot show what happens when appends to one
// session commit out of order. This file runs them on a real PostgreSQL server through a pool of
// connections, with the migrations the chat tables need (this server has no pgvector, so the
// memory tables and the `vector` extension are left out).

let server: PostgresServer
let pool: pg.Pool
let db: Kysely<TripSageDatabase>
let tripsage: TripSage
const ownerId = randomUUID()

const needed = ['foundation', 'trips', 'chat', 'realtime', 'chat_lifecycle', 'realtime_events']

beforeAll(async () => {
  server = await startPostgresServer()
  pool = new pg.Pool({ connectionString: server.url, max: 8 })
  // An idle client whose backend is terminated (server shutdown) emits 'error' on the pool; without
  // a listener node-postgres crashes the process (reliability.md §6).
  pool.on('error', () => undefined)
  db = new Kysely<TripSageDatabase>({ dialect: new PostgresDialect({ pool }) })
  await applyPlatform(db)
  const migrations = bundledMigrations()
    .filter((m) => needed.includes(m.name))
    .map((m) => ({ ...m, sql: m.sql.replace(/create extension if not exists vector[^;]*;/, '') }))
  await migrate(db, { migrations })
  await sql`insert into auth.users (id, email) values (${ownerId}, 'owner@example.test')`.execute(db)
  tripsage = createTripSage({ db })
}, 120_000)

afterAll(async () => {
  await db?.destroy()
  await server?.stop()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('appends to one session from concurrent connections (PostgreSQL)', () => {
  it('commit in seq order, so a keyset reader never sees a gap that fills in later', async () => {
    const me = tripsage.forUser({ sub: ownerId })
    const session = await me.chat.sessions.create()
    const snapshots: number[][] = []
    let writing = true

    // A reader polling on its own connection: every snapshot must be a prefix of the final order.
    const reader = (async () => {
      while (writing) {
        const { rows } = await sql<{ seq: string }>`
          select seq from public.chat_messages where session_id = ${session.id} order by seq
        `.execute(db)
        snapshots.push(rows.map((r) => Number(r.seq)))
        await sleep(1)
      }
    })()

    // Six writers; each holds its transaction open a little after appending, so without the
    // session lock a later seq would routinely commit before an earlier one.
    const written: ChatMessage[] = []
    await Promise.all(
      Array.from({ length: 6 }, async (_, writer) => {
        for (let round = 0; round < 8; round++) {
          const messages = await me.transaction(async (tx) => {
            const appended = await tx.chat.messages.append(session.id, [
              { role: 'user', content: `w${writer} r${round} a` },
              { role: 'assistant', content: `w${writer} r${round} b` },
            ])
            await sleep(((writer * 7 + round * 3) % 5) + 1)
            return appended
          })
          written.push(...messages)
        }
      }),
    )
    writing = false
    await reader

    const final = (await me.chat.messages.history(session.id, { order: 'oldest', limit: 100 })).items.map((m) => m.seq)
    expect(final).toHaveLength(96)
    expect([...final].sort((a, b) => a - b)).toEqual(final)
    expect(new Set(written.map((m) => m.seq))).toEqual(new Set(final))
    expect(snapshots.length).toBeGreaterThan(5)
    for (const snapshot of snapshots) expect(snapshot).toEqual(final.slice(0, snapshot.length))

    // And the SDK's own paging, oldest first, sees every message once.
    const paged: number[] = []
    let cursor: string | undefined
    do {
      const page = await me.chat.messages.history(session.id, {
        order: 'oldest',
        limit: 7,
        ...(cursor ? { cursor } : {}),
      })
      paged.push(...page.items.map((m) => m.seq))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(paged).toEqual(final)
  }, 60_000)
})
