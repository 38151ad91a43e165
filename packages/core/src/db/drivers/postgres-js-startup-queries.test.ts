import postgres from 'postgres'
import { afterAll, describe, expect, it } from 'vitest'
import { guardStartupQueries } from './postgres-js-startup-queries.js'

// Never connects: postgres.js builds queries lazily, and these run through a handler of the test's.
const sql = postgres('postgres://postgres@127.0.0.1:1/none', { max: 1, onnotice: () => undefined })
afterAll(() => sql.end({ timeout: 0 }))

/** postgres.js's query class, as its connection builds the startup lookup: `new Query([text], [], execute)`. */
type QueryClass = new (
  strings: string[],
  args: unknown[],
  handler: (query: { reject(error: Error): void }) => void,
  canceller?: null,
  options?: { simple?: boolean },
) => Promise<unknown> & { execute(): unknown; resolve: unknown }
const Query = Object.getPrototypeOf(sql.unsafe('select 1')).constructor as QueryClass
const lookupText = `
      select b.oid, b.typarray
      from pg_catalog.pg_type a
      left join pg_catalog.pg_type b on b.oid = a.typelem
      where a.typcategory = 'A'
      group by b.oid, b.typarray
      order by b.oid
    `
/** `fetchState()`'s query, sent when `target_session_attrs` is set. */
const sessionStateText = `
      show transaction_read_only;
      select pg_catalog.pg_is_in_recovery()
    `
const failing = (query: { reject(error: Error): void }) => query.reject(new Error('Connection terminated'))

describe('guardStartupQueries (postgres.js 3.4)', () => {
  it("settles postgres.js's failing startup lookup with no types, as the async function that awaits it sees it", async () => {
    guardStartupQueries(sql)
    // What `fetchArrayTypes()` does: await the lookup, then read its rows.
    const fetchArrayTypes = async () => (await new Query([lookupText], [], failing)) as unknown[]
    await expect(fetchArrayTypes()).resolves.toEqual([])
  })

  it("marks handled the failure of target_session_attrs's session-state query, which postgres.js executes and never awaits", async () => {
    guardStartupQueries(sql)
    const escaped: unknown[] = []
    const onUnhandled = (reason: unknown) => escaped.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      // What `fetchState()` does: replace `resolve`, execute, drop the query.
      const query = new Query([sessionStateText], [], failing, null, { simple: true })
      query.resolve = () => undefined
      query.execute()
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(escaped).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('leaves every other query failing as it did, and is idempotent', async () => {
    guardStartupQueries(sql)
    guardStartupQueries(postgres('postgres://postgres@127.0.0.1:1/other', { max: 1 }))
    await expect((async () => await new Query(['select 1'], [], failing))()).rejects.toThrow('Connection terminated')
  })

  it('does nothing for an instance without unsafe()', () => {
    expect(() => guardStartupQueries({})).not.toThrow()
  })
})
