import { inspect } from 'node:util'
import { createTestDatabase, createTestUser, type TestDatabase, type TestUser } from '@tripsage/testing'
import fc from 'fast-check'
import { type CompiledQuery, sql } from 'kysely'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTripSage } from '../client.js'
import { faultyDatabase } from '../faults.test-support.js'
import type { SpanAttributeValue, TracerLike } from '../telemetry.js'

// Property 11: key material never appears in logs, errors (message, stack, details, cause chain,
// JSON) or telemetry — with random keys, through success paths and injected failures.

let database: TestDatabase
let alice: TestUser

beforeAll(async () => {
  database = await createTestDatabase()
  alice = await createTestUser(database.db)
})
afterAll(() => database?.close())
afterEach(() => vi.restoreAllMocks())

/** Everything observable outside the return value of `get`. */
interface Observed {
  logs: string[]
  errors: unknown[]
  telemetry: string[]
}

function recordingTracer(out: string[]): TracerLike {
  const record = (key: string, value: SpanAttributeValue) => out.push(`${key}=${String(value)}`)
  return {
    startSpan(name, options) {
      out.push(`span:${name}`)
      for (const [key, value] of Object.entries(options?.attributes ?? {})) record(key, value)
      return {
        setAttribute: (key, value) => record(key, value),
        setStatus: (status) => out.push(`status:${status.code}:${status.message ?? ''}`),
        end: () => out.push(`end:${name}`),
      }
    },
  }
}

/** Every rendering of an error a host app might log or return, including the whole cause chain. */
function renderings(error: unknown): string[] {
  const out = [inspect(error, { depth: 20, showHidden: true }), String(error)]
  let current: unknown = error
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    try {
      out.push(JSON.stringify(current) ?? '')
    } catch {
      out.push('[unserialisable]')
    }
    if (current instanceof Error) out.push(current.message, current.stack ?? '')
    current = (current as { cause?: unknown }).cause
  }
  return out
}

type Fault =
  | 'none'
  | 'bad_service'
  | 'swapped_arguments'
  | 'untrimmed_key'
  | 'unknown_user'
  | 'driver_error_quoting_values'
  | 'network_error_quoting_values'
  | 'lost_commit'
  | 'provider_factory_quoting_key'

const faults: Fault[] = [
  'none',
  'bad_service',
  'swapped_arguments',
  'untrimmed_key',
  'unknown_user',
  'driver_error_quoting_values',
  'network_error_quoting_values',
  'lost_commit',
  'provider_factory_quoting_key',
]

/** A random provider-shaped key: long enough that finding it anywhere by chance is impossible. */
const apiKeys = fc
  .tuple(
    fc.constantFrom('sk-', 'sk-ant-', 'xai-', 'AIza', 'sk-or-v1-', ''),
    fc.stringMatching(/^[A-Za-z0-9_-]{20,80}$/),
  )
  .map(([prefix, body]) => `${prefix}${body}`)

async function exercise(apiKey: string, fault: Fault): Promise<Observed> {
  const observed: Observed = { logs: [], errors: [], telemetry: [] }
  const capture = (...args: unknown[]) => {
    observed.logs.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 20 }))).join(' '))
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation(capture)
  }

  const rpc = (query: CompiledQuery) => query.sql.includes('_user_api_key')
  let commits = 0
  const db = faultyDatabase(
    database.dialect(),
    {
      query: (query) => {
        if (!rpc(query)) return undefined
        const values = JSON.stringify(query.parameters)
        if (fault === 'driver_error_quoting_values') {
          // A driver error with a SQLSTATE whose message, detail, hint and where all quote the values.
          return Object.assign(new Error(`invalid input in ${values}`), {
            code: '22023',
            detail: values,
            hint: values,
            where: values,
            parameters: query.parameters,
          })
        }
        if (fault === 'network_error_quoting_values') return new Error(`Connection terminated while sending ${values}`)
        return undefined
      },
      commit: () =>
        fault === 'lost_commit' && commits++ === 0 ? new Error('Connection terminated unexpectedly') : undefined,
    },
    // Query logging prints the SQL text: proves the key is a bind parameter, never inlined.
    { log: ['query'] },
  )
  const tripsage = createTripSage({ db, tracer: recordingTracer(observed.telemetry) })
  const keys = tripsage.service.keys
  const attempt = async (fn: () => Promise<unknown>) => {
    try {
      return await fn()
    } catch (error) {
      observed.errors.push(error)
      return undefined
    }
  }

  const userId = fault === 'unknown_user' ? crypto.randomUUID() : alice.id
  const key = fault === 'untrimmed_key' ? ` ${apiKey}\n` : apiKey
  const service = fault === 'bad_service' ? 'mistral' : 'openai'

  if (fault === 'swapped_arguments') {
    await attempt(() => keys.set(userId, key, 'openai'))
    await attempt(() => keys.set(key, 'openai', userId))
    await attempt(() => keys.get(userId, key))
    await attempt(() => keys.remove(key, 'openai'))
    await attempt(() => keys.embedderFor(userId, { service: key, create: () => 'never' }))
  } else {
    await attempt(() => keys.set(userId, service, key))
    // get() returns the plaintext by design: only what surrounds it is observed.
    await attempt(() => keys.get(userId, service))
    await attempt(() => keys.touch(userId, service))
    if (fault === 'provider_factory_quoting_key') {
      await attempt(() =>
        keys.providerFor(userId, service, (k) => {
          throw new Error(`401 Unauthorized: Incorrect API key provided: ${k}`, { cause: { apiKey: k } })
        }),
      )
    }
    await attempt(() => keys.list(userId))
    await attempt(() => tripsage.forUser(alice.claims).keys.list())
    await attempt(() => keys.remove(userId, service))
  }
  vi.restoreAllMocks()
  return observed
}

describe('BYOK secrecy', () => {
  it('the key appears in no log line, error (message, stack, details, cause, JSON) or span', async () => {
    const seenCodes = new Set<string>()
    await fc.assert(
      fc.asyncProperty(apiKeys, fc.constantFrom(...faults), async (apiKey, fault) => {
        const observed = await exercise(apiKey, fault)
        for (const error of observed.errors) {
          seenCodes.add(`${fault}:${(error as { code?: string }).code}`)
          for (const text of renderings(error)) expect(text.includes(apiKey), `${fault}: ${text}`).toBe(false)
        }
        for (const line of observed.logs) expect(line.includes(apiKey), `${fault} log: ${line}`).toBe(false)
        for (const item of observed.telemetry) expect(item.includes(apiKey), `${fault} span: ${item}`).toBe(false)
        if (fault === 'none') expect(observed.errors).toEqual([])
        else if (fault !== 'lost_commit') expect(observed.errors.length).toBeGreaterThan(0)
        // Where the RPCs run, their SQL was logged — with placeholders only.
        const rpcsRun = ['none', 'lost_commit', 'provider_factory_quoting_key'].includes(fault)
        if (rpcsRun) expect(observed.logs.some((line) => line.includes('_user_api_key'))).toBe(true)
      }),
      { numRuns: 60, examples: faults.map((fault) => [`sk-example-${fault}-0123456789abcdef`, fault]) },
    )
    // The faults really happened, and were typed.
    expect(seenCodes).toContain('bad_service:validation')
    expect(seenCodes).toContain('swapped_arguments:validation')
    expect(seenCodes).toContain('untrimmed_key:validation')
    expect(seenCodes).toContain('unknown_user:not_found')
    expect(seenCodes).toContain('driver_error_quoting_values:validation')
    expect(seenCodes).toContain('network_error_quoting_values:unavailable')
    expect(seenCodes).toContain('provider_factory_quoting_key:internal')
  }, 120_000)

  it('stores nothing readable: neither the row nor the ciphertext contains the key', async () => {
    const tripsage = createTripSage({ db: database.db })
    await fc.assert(
      fc.asyncProperty(apiKeys, async (apiKey) => {
        await tripsage.service.keys.set(alice.id, 'xai', apiKey)
        const rows = await database.db.selectFrom('api_keys').selectAll().where('user_id', '=', alice.id).execute()
        expect(JSON.stringify(rows).includes(apiKey)).toBe(false)
        const { rows: secrets } = await sql<{ secret: string }>`
          select secret from vault.secrets where name = ${`api_key:${alice.id}:xai`}
        `.execute(database.db)
        expect(secrets.length).toBe(1)
        expect(secrets[0]?.secret.includes(apiKey)).toBe(false)
        expect(await tripsage.service.keys.get(alice.id, 'xai')).toBe(apiKey)
      }),
      { numRuns: 15 },
    )
  })
})
