import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { codePointLength, isStorableText, JsonObject, JsonValue } from './json-value.js'

describe('JsonValue / JsonObject', () => {
  it('pass any JSON value through unchanged, as the same object (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JsonValue.parse(value)).toBe(value)
      }),
    )
  })

  it('keep a "__proto__" key (zod records would drop it)', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}')
    const parsed = JsonObject.parse(value)
    expect(Object.keys(parsed)).toEqual(['__proto__', 'ok'])
    expect(JSON.stringify(parsed)).toBe('{"__proto__":{"polluted":true},"ok":1}')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('refuse what jsonb cannot store unchanged, with the path of the problem', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    for (const [value, path] of [
      [Number.NaN, []],
      [{ a: [1, Number.POSITIVE_INFINITY] }, ['a', 1]],
      [{ a: undefined }, ['a']],
      [{ d: new Date(0) }, ['d']],
      [{ m: new Map() }, ['m']],
      [{ f: () => 1 }, ['f']],
      [{ b: 1n }, ['b']],
      [{ s: 'a\u0000b' }, ['s']],
      [{ 'k\u0000': 1 }, ['k\u0000']],
      [['\uD83D'], [0]],
      [cyclic, expect.any(Array)],
    ] as const) {
      const result = JsonValue.safeParse(value)
      expect(result.success).toBe(false)
      expect(result.error?.issues[0]?.path).toEqual(path)
    }
    for (const notObject of [[], 'x', 1, null, true]) expect(JsonObject.safeParse(notObject).success).toBe(false)
  })
})

describe('text helpers', () => {
  it('count code points like Postgres char_length', () => {
    expect(codePointLength('')).toBe(0)
    expect(codePointLength('abc')).toBe(3)
    expect(codePointLength('🧳é')).toBe(2)
    expect('🧳'.length).toBe(2)
  })

  it('call text storable unless it has NUL or an unpaired surrogate', () => {
    expect(isStorableText('ok 🧳')).toBe(true)
    expect(isStorableText('\u0000')).toBe(false)
    expect(isStorableText('\uD83D')).toBe(false)
    expect(isStorableText('\uDE00x')).toBe(false)
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const roundTrips = new TextDecoder().decode(new TextEncoder().encode(text)) === text
        expect(isStorableText(text)).toBe(roundTrips && !text.includes(String.fromCharCode(0)))
      }),
    )
  })
})
