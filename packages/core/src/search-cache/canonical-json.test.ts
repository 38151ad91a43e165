import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { JsonValue } from '../json-value.js'
import { canonicalJson } from './canonical-json.js'
import { searchQueryHash } from './query-hash.js'

/** The same JSON value with every object's keys in a shuffled order. */
function shuffleKeys(value: JsonValue, seed: number): JsonValue {
  if (Array.isArray(value)) return value.map((v, i) => shuffleKeys(v, seed + i))
  if (value === null || typeof value !== 'object') return value
  const keys = Object.keys(value)
  const order = keys
    .map((k, i) => [k, (i * 7919 + seed) % (keys.length + 13)] as const)
    .sort((a, b) => a[1] - b[1])
    .map(([k]) => k)
  return Object.fromEntries(order.map((k) => [k, shuffleKeys(value[k] as JsonValue, seed + 1)]))
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: 'é' }], c: true } })).toBe(
      '{"a":{"c":true,"d":[3,{"y":"é","z":null}]},"b":1}',
    )
    expect(canonicalJson([])).toBe('[]')
    expect(canonicalJson({})).toBe('{}')
    expect(canonicalJson('x')).toBe('"x"')
    expect(canonicalJson(-0)).toBe('0')
    expect(canonicalJson(1e21)).toBe('1e+21')
  })

  it('ignores key order, keeps array order, and parses back to the same value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (value, seed) => {
        const text = canonicalJson(value as JsonValue)
        expect(canonicalJson(shuffleKeys(value as JsonValue, seed))).toBe(text)
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)))
      }),
    )
  })
})

describe('searchQueryHash', () => {
  it('is the SHA-256 hex of the canonical JSON as UTF-8 (property, checked against node:crypto)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const expected = createHash('sha256')
          .update(canonicalJson(value as JsonValue), 'utf8')
          .digest('hex')
        expect(await searchQueryHash(value as JsonValue)).toBe(expected)
      }),
    )
  })

  it('is stable across key order and distinct for different queries', async () => {
    const a = await searchQueryHash({ from: 'LIS', to: 'OAX', dates: ['2027-02-01'] })
    expect(a).toMatch(/^[0-9a-f]{64}$/)
    expect(await searchQueryHash({ dates: ['2027-02-01'], to: 'OAX', from: 'LIS' })).toBe(a)
    expect(await searchQueryHash({ from: 'LIS', to: 'OAX', dates: ['2027-02-02'] })).not.toBe(a)
    expect(await searchQueryHash({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a')
  })
})
