import { describe, expect, it } from 'vitest'
import { parseTap } from './pgtap.js'

describe('parseTap', () => {
  it('reads plan, results, diagnostics and directives', () => {
    const result = parseTap([
      '1..3',
      'ok 1 - first',
      'not ok 2 - second',
      '# Failed test 2: "second"',
      '#         have: 1',
      'ok 3 - third # SKIP no vault here',
    ])
    expect(result.planned).toBe(3)
    expect(result.assertions.map((a) => [a.n, a.ok, a.skipped])).toEqual([
      [1, true, false],
      [2, false, false],
      [3, true, true],
    ])
    expect(result.assertions[1]?.diagnostics).toHaveLength(2)
    expect(result.passed).toBe(false)
  })

  it('fails a file whose plan does not match or that aborted', () => {
    expect(parseTap(['1..2', 'ok 1']).passed).toBe(false)
    expect(parseTap(['1..1', 'ok 1'], 'syntax error').passed).toBe(false)
    expect(parseTap(['1..1', 'ok 1']).passed).toBe(true)
  })
})
