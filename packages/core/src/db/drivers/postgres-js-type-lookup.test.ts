import postgres from 'postgres'
import { afterAll, describe, expect, it } from 'vitest'
import { guardStartupTypeLookup } from './postgres-js-type-lookup.js'

// Never connects: postgres.js builds queries lazily, and these run through a handler of the test's.
const sql = postgres('postgres://postgres@127.0.0.1:1/none', { max: 1, onnotice: () => undefined })
afterAll(() => sql.end({ timeout: 0 }))

/** postgres.js's query class, as its connection builds the startup lookup: `new Query([text], [], execute)`. */
type QueryClass = new (
  strings: string[],
  args: unknown[],
  handler: (query: { reject(error: Error): void }) => void,
) => Promise<unknown>
const Query = Object.getPrototypeOf(sql.unsafe('select 1')).constructor as QueryClass
const lookupText = `
      select b.oid, b.typarray
      from pg_catalog.pg_type a
      left join pg_catalog.pg_type b on b.oid = a.typelem
      where a.typcategory = 'A'
      group by b.oid, b.typarray
      order by b.oid
    `
const failing = (query: { reject(error: Error): void }) => query.reject(new Error('Connection terminated'))

describe('guardStartupTypeLookup (postgres.js 3.4)', () => {
  it("settles postgres.js's failing startup lookup with no types, as the async function that awaits it sees it", async () => {
    guardStartupTypeLookup(sql)
    // What `fetchArrayTypes()` does: await the lookup, then read its rows.
    const fetchArrayTypes = async () => (await new Query([lookupText], [], failing)) as unknown[]
    await expect(fetchArrayTypes()).resolves.toEqual([])
  })

  it('leaves every other query failing as it did, and is idempotent', async () => {
    guardStartupTypeLookup(sql)
    guardStartupTypeLookup(postgres('postgres://postgres@127.0.0.1:1/other', { max: 1 }))
    await expect((async () => await new Query(['select 1'], [], failing))()).rejects.toThrow('Connection terminated')
  })

  it('does nothing for an instance without unsafe()', () => {
    expect(() => guardStartupTypeLookup({})).not.toThrow()
  })
})
