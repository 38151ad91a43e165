import { randomUUID } from 'node:crypto'
import { Kysely } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage } from '../client.js'
import { TripSageError } from '../errors.js'
import { pgDialect } from '../pg.js'
import { failOnEscapes, outcome, tally, tripInput } from './faults.test-support.js'
import { type RestartableCluster, startRestartableCluster } from './faults-cluster.test-support.js'
import { testDrivers } from './native.test-support.js'
import type { TripSageDatabase } from './schema.js'

/**
 * A real server restart (`pg_ctl restart`) under load, on a cluster of this file's own. It runs
 * in the `core` project over every documented wiring: it needs no tier server, and restarting the
 * shared one would break the files running beside it.
 */
const wirings: readonly { name: string; open(url: string): Kysely<TripSageDatabase> }[] = [
  {
    name: 'pg through createPostgresDatabase (pipeline mode)',
    open: (url) => testDrivers.find((d) => d.name === 'pg')!.open(url, { max: 4 }),
  },
  {
    name: 'pg through pgDialect over a plain pg.Pool',
    open: (url) =>
      new Kysely<TripSageDatabase>({
        dialect: pgDialect({
          pool: new pg.Pool({
            connectionString: url,
            max: 4,
            application_name: 'tripsage',
            connectionTimeoutMillis: 5_000,
          }),
        }),
      }),
  },
  {
    name: 'postgres.js through createPostgresJsDatabase',
    open: (url) => testDrivers.find((d) => d.name === 'postgres.js')!.open(url, { max: 4 }),
  },
]

let cluster: RestartableCluster
beforeAll(async () => {
  cluster = await startRestartableCluster()
}, 120_000)
afterAll(() => cluster?.stop())

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.each(wirings)('a real server restart under load through $name', (wiring) => {
  failOnEscapes()

  it.each(['fast', 'immediate'] as const)(
    'pg_ctl restart -m %s: failures are unavailable, no in-doubt write is retried, calls succeed again, nothing leaks',
    async (mode) => {
      const db = wiring.open(cluster.url)
      try {
        const tripsage = createTripSage({ db, deadlineMs: 3_000 })
        const users = await Promise.all(
          Array.from({ length: 8 }, async () => {
            const id = randomUUID()
            await cluster.admin.query('insert into auth.users (id, email) values ($1, $2)', [id, `${id}@example.test`])
            return { sub: id, role: 'authenticated' as const }
          }),
        )
        let phase: 'before' | 'restarting' | 'after' = 'before'
        let stop = false
        const acknowledged = new Set<string>()
        const inDoubt = new Set<string>()
        const outcomes: string[] = []
        const backAfterRestart = new Set<string>()
        // 8 writers, each trip named uniquely per attempt: a retried write would show twice.
        const writers = users.map(async (user, w) => {
          const me = tripsage.forUser(user)
          for (let n = 0; !stop; n++) {
            const name = `restart-${mode}-${w}-${n}`
            const result = await outcome(me.trips.create({ ...tripInput, name }))
            outcomes.push(result)
            if (result === 'fulfilled') {
              acknowledged.add(name)
              if (phase === 'after') backAfterRestart.add(`writer ${w}`)
            } else {
              inDoubt.add(name)
              await sleep(25)
            }
          }
        })
        // And 4 readers.
        const readers = users.slice(0, 4).map(async (user, r) => {
          const me = tripsage.forUser(user)
          while (!stop) {
            const result = await outcome(me.trips.list({ limit: 5 }))
            outcomes.push(result)
            if (result === 'fulfilled' && phase === 'after') backAfterRestart.add(`reader ${r}`)
            if (result !== 'fulfilled') await sleep(25)
          }
        })
        while (acknowledged.size < 16) await sleep(20)
        phase = 'restarting'
        await cluster.restart(mode)
        phase = 'after'
        // Every writer and reader succeeds again once the server is back (bounded: 30 s).
        for (let i = 0; i < 1_200 && backAfterRestart.size < 12; i++) await sleep(25)
        stop = true
        await Promise.all([...writers, ...readers])
        const counts = tally(outcomes)
        console.info(`restart -m ${mode} through ${wiring.name}:`, JSON.stringify(counts))
        expect(outcomes.filter((o) => o !== 'fulfilled' && o !== 'unavailable')).toEqual([])
        expect(counts.unavailable ?? 0).toBeGreaterThan(0)
        expect([...backAfterRestart].sort()).toHaveLength(12)

        // Every acknowledged write is there once; an in-doubt one at most once (never retried).
        const { rows } = await cluster.admin.query<{ name: string; n: number }>(
          'select name, count(*)::int as n from public.trips where user_id = any($1::uuid[]) group by name',
          [users.map((u) => u.sub)],
        )
        const stored = new Map(rows.map((r) => [r.name, r.n]))
        expect([...stored.values()].filter((n) => n !== 1)).toEqual([])
        expect([...acknowledged].filter((name) => !stored.has(name))).toEqual([])
        expect([...stored.keys()].filter((name) => !acknowledged.has(name) && !inDoubt.has(name))).toEqual([])

        // The pool holds no leaked, running or idle-in-transaction connection.
        const { rows: backends } = await cluster.admin.query<{ state: string; n: number }>(
          `select coalesce(state, 'unknown') as state, count(*)::int as n
             from pg_stat_activity where application_name = 'tripsage' group by 1`,
        )
        const states = Object.fromEntries(backends.map((b) => [b.state, b.n]))
        expect(states['idle in transaction'] ?? 0).toBe(0)
        expect(states.active ?? 0).toBe(0)
        expect(Object.values(states).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4)
        // A failed call is a TripSageError (checked through `outcome`), and the next call works.
        const after = await tripsage
          .forUser(users[0]!)
          .trips.list()
          .catch((e: unknown) => e)
        expect(TripSageError.isInstance(after)).toBe(false)
      } finally {
        await db.destroy()
      }
    },
    90_000,
  )
})
