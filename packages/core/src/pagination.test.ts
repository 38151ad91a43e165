import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TripSageError } from './errors.js'
import { decodeCursor, encodeCursor, toPage } from './pagination.js'

describe('cursors', () => {
  it('round-trip any sort key', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.constant(null))
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 4 }), (key) => {
        expect(decodeCursor(encodeCursor(key), key.length)).toEqual(key)
      }),
    )
  })

  it('reject malformed or mismatched cursors with validation', () => {
    for (const bad of ['', '!!!', encodeCursor(['a']), btoa('{"a":1}')]) {
      const error = (() => {
        try {
          decodeCursor(bad, 2)
        } catch (e) {
          return e
        }
      })()
      expect(TripSageError.isInstance(error) && error.code).toBe('validation')
    }
  })

  it('toPage uses the extra row only to decide whether a next page exists', () => {
    const rows = [1, 2, 3]
    expect(toPage(rows, 2, (r) => [r], String)).toEqual({ items: ['1', '2'], nextCursor: encodeCursor([2]) })
    expect(toPage(rows, 3, (r) => [r], String)).toEqual({ items: ['1', '2', '3'], nextCursor: null })
  })
})
