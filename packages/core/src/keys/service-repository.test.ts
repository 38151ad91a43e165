import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type TripSage } from '../client.js'
import { faultyDatabase } from '../faults.test-support.js'

let database: TestDatabase
let tripsage: TripSage
let alice: TestUser
let bob: TestUser

const aliceKey = 'sk-alice-0123456789abcdefghijklmnop'
const bobKey = 'sk-bob-9876543210zyxwvutsrqponmlkji'

beforeAll(async () => {
  database = await createTestDatabase()
  tripsage = createTripSage({ db: database.db })
  alice = await createTestUser(database.db)
  bob = await createTestUser(database.db)
})
afterAll(() => database?.close())

const secretCount = async (userId: string) =>
  Number(
    (
      await sql<{
        n: string
      }>`select count(*) as n from vault.secrets where name like ${`api_key:${userId}:%`}`.execute(database.db)
    ).rows[0]?.n,
  )

describe('tripsage.service.keys', () => {
  it('sets, gets, rotates (one secret per user and service), touches and removes', async () => {
    const keys = tripsage.service.keys
    const stored = await keys.set(alice.id, 'openai', aliceKey)
    expect(stored).toMatchObject({ userId: alice.id, service: 'openai', lastUsed: null })
    expect(Object.keys(stored).sort()).toEqual(['createdAt', 'id', 'lastUsed', 'service', 'updatedAt', 'userId'])
    expect(await keys.get(alice.id, 'openai')).toBe(aliceKey)
    expect(await keys.get(alice.id, 'anthropic')).toBeNull()

    await keys.touch(alice.id, 'openai')
    expect((await keys.list(alice.id))[0]?.lastUsed).not.toBeNull()

    const rotated = await keys.set(alice.id, 'openai', `${aliceKey}-v2`)
    expect(rotated.id).toBe(stored.id)
    expect(rotated.lastUsed).toBeNull()
    expect(await keys.get(alice.id, 'openai')).toBe(`${aliceKey}-v2`)
    expect(await secretCount(alice.id)).toBe(1)

    await keys.set(bob.id, 'openai', bobKey)
    expect(await keys.get(bob.id, 'openai')).toBe(bobKey)
    expect(await keys.get(alice.id, 'openai')).toBe(`${aliceKey}-v2`)

    expect(await keys.remove(alice.id, 'openai')).toBe(true)
    expect(await keys.remove(alice.id, 'openai')).toBe(false)
    expect(await keys.get(alice.id, 'openai')).toBeNull()
    expect(await secretCount(alice.id)).toBe(0)
    expect(await keys.get(bob.id, 'openai')).toBe(bobKey)
  })

  it('refuses services outside the allowlist and malformed keys — never trimming them', async () => {
    const keys = tripsage.service.keys
    for (const [service, key, path] of [
      ['mistral', aliceKey, 'service'],
      ['OpenAI', aliceKey, 'service'],
      ['../bob', aliceKey, 'service'],
      ['openai', ` ${aliceKey}`, 'apiKey'],
      ['openai', `${aliceKey}\n`, 'apiKey'],
      ['openai', 'sk-short', 'apiKey'],
      ['openai', `sk-${'x'.repeat(600)}`, 'apiKey'],
      ['openai', 'sk-with inner-space-0123456789', 'apiKey'],
      ['openai', 'sk-ünïcode-0123456789abcdef', 'apiKey'],
    ] as const) {
      await expect(keys.set(alice.id, service, key)).rejects.toMatchObject({
        code: 'validation',
        details: { issues: [expect.objectContaining({ path })] },
      })
    }
    await expect(keys.set('not-a-uuid', 'openai', aliceKey)).rejects.toMatchObject({ code: 'validation' })
    await expect(keys.set(crypto.randomUUID(), 'openai', aliceKey)).rejects.toMatchObject({ code: 'not_found' })
    await expect(keys.get(alice.id, 'mistral')).rejects.toMatchObject({ code: 'validation' })
    expect(await secretCount(alice.id)).toBe(0)
  })

  it('uses a configurable allowlist and length bounds', async () => {
    const custom = createTripSage({ db: database.db, keys: { services: ['mistral'], minKeyLength: 4 } })
    await custom.service.keys.set(alice.id, 'mistral', 'mk-1')
    expect(await custom.service.keys.get(alice.id, 'mistral')).toBe('mk-1')
    await expect(custom.service.keys.set(alice.id, 'openai', aliceKey)).rejects.toMatchObject({ code: 'validation' })
    await custom.service.keys.remove(alice.id, 'mistral')
    expect(() => createTripSage({ db: database.db, keys: { services: ['Not Valid'] } })).toThrow(/keys options/)
    expect(() => createTripSage({ db: database.db, keys: { minKeyLength: 50, maxKeyLength: 10 } })).toThrow(
      /keys options/,
    )
  })

  it('reports Vault health, and unhealthy instead of throwing when the database fails', async () => {
    expect(await tripsage.service.keys.health()).toMatchObject({ healthy: true, checkedAt: expect.any(String) })
    const broken = createTripSage({
      db: faultyDatabase(database.dialect(), { query: () => new Error('Connection terminated unexpectedly') }),
    })
    expect(await broken.service.keys.health()).toMatchObject({ healthy: false, errorCode: 'unavailable' })
  })

  it('builds providers and embedders from the stored key, falling back when there is none', async () => {
    const keys = tripsage.service.keys
    await keys.set(bob.id, 'anthropic', bobKey)
    const provider = await keys.providerFor(bob.id, 'anthropic', (apiKey) => ({ kind: 'provider', apiKey }))
    expect(provider).toEqual({ kind: 'provider', apiKey: bobKey })
    expect((await keys.list(bob.id)).find((k) => k.service === 'anthropic')?.lastUsed).not.toBeNull()
    await expect(keys.providerFor(alice.id, 'anthropic', () => 'never')).rejects.toMatchObject({ code: 'not_found' })

    const fallback = { embed: async () => [0] }
    expect(
      await keys.embedderFor(alice.id, { service: 'openai', create: () => ({ embed: async () => [1] }), fallback }),
    ).toBe(fallback)
    await expect(keys.embedderFor(alice.id, { service: 'openai', create: () => 'never' })).rejects.toMatchObject({
      code: 'not_found',
    })
    const own = await keys.embedderFor(bob.id, {
      service: 'anthropic',
      create: async (apiKey) => ({ model: 'byok', keyLength: apiKey.length }),
      fallback: { model: 'default', keyLength: 0 },
    })
    expect(own).toEqual({ model: 'byok', keyLength: bobKey.length })

    const failure = await keys
      .providerFor(bob.id, 'anthropic', (apiKey) => {
        throw new Error(`401 Incorrect API key provided: ${apiKey}`)
      })
      .catch((error: unknown) => error)
    expect(failure).toMatchObject({ code: 'internal' })
    expect(JSON.stringify(failure)).not.toContain(bobKey)
    expect(String((failure as Error).cause && JSON.stringify((failure as Error).cause))).not.toContain(bobKey)
  })
})

describe('me.keys', () => {
  it('lists the user’s own services and last use — no key, no secret name', async () => {
    await tripsage.service.keys.set(alice.id, 'openai', aliceKey)
    await tripsage.service.keys.set(alice.id, 'google', `${aliceKey}-google`)
    const mine = await tripsage.forUser(alice.claims).keys.list()
    expect(mine.map((k) => k.service)).toEqual(['google', 'openai'])
    expect(mine.every((k) => k.userId === alice.id)).toBe(true)
    const text = JSON.stringify(mine)
    expect(text).not.toContain(aliceKey)
    expect(text).not.toContain('api_key:')
    const bobs = await tripsage.forUser(bob.claims).keys.list()
    expect(bobs.every((k) => k.userId === bob.id)).toBe(true)
    expect(JSON.stringify(bobs)).not.toContain(alice.id)
  })

  it('cannot reach the RPCs or Vault, as authenticated or anon', async () => {
    const me = tripsage.forUser(alice.claims)
    for (const statement of [
      sql`select private.get_user_api_key(${alice.id}::uuid, 'openai')`,
      sql`select private.insert_user_api_key(${alice.id}::uuid, 'openai', 'sk-hijack-0123456789abcdef')`,
      sql`select private.delete_user_api_key(${alice.id}::uuid, 'openai')`,
      sql`select private.touch_user_api_key(${alice.id}::uuid, 'openai')`,
      sql`select private.check_vault_health()`,
      sql`select decrypted_secret from vault.decrypted_secrets`,
      sql`select secret from vault.secrets`,
    ]) {
      await expect(me.transaction(({ db }) => statement.execute(db))).rejects.toMatchObject({ code: '42501' })
      await expect(
        database.db.transaction().execute(async (trx) => {
          await sql`select set_config('role', 'anon', true), set_config('request.jwt.claims', '{"role":"anon"}', true)`.execute(
            trx,
          )
          return statement.execute(trx)
        }),
      ).rejects.toMatchObject({ code: '42501' })
    }
    expect(await tripsage.service.keys.get(alice.id, 'openai')).toBe(aliceKey)
  })
})
