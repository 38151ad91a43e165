import { describe, expect, it } from 'vitest'
import { memoryKv } from './memory-kv.js'

describe('memoryKv', () => {
  it('expires keys on the injected clock', async () => {
    let now = 1_000
    const kv = memoryKv({ now: () => now })
    await kv.update('a', () => ({ result: null, set: '1', ttlMs: 100 }))
    await kv.update('b', () => ({ result: null, set: '2' }))
    expect(await kv.mget(['a', 'b', 'c'])).toEqual(['1', '2', null])
    expect(kv.size).toBe(2)
    now += 99
    expect(await kv.get('a')).toBe('1')
    now += 1
    expect(await kv.get('a')).toBeNull()
    expect(kv.size).toBe(1)
    expect(kv.now()).toBe(1_100)
  })

  it('update sees the current value and the clock, and can keep, replace or delete', async () => {
    const kv = memoryKv({ now: () => 5 })
    expect(await kv.update('k', (current, now) => ({ result: [current, now], set: 'v', ttlMs: 10 }))).toEqual([null, 5])
    expect(await kv.update('k', (current) => ({ result: current }))).toBe('v')
    expect(await kv.get('k')).toBe('v')
    expect(await kv.update('k', () => ({ result: 'gone', delete: true }))).toBe('gone')
    expect(await kv.get('k')).toBeNull()
  })

  it('update is atomic: concurrent read-modify-writes lose nothing', async () => {
    const kv = memoryKv()
    await Promise.all(
      Array.from({ length: 500 }, () =>
        kv.update('n', (current) => ({ result: null, set: String(Number(current ?? 0) + 1) })),
      ),
    )
    expect(await kv.get('n')).toBe('500')
  })

  it('a throwing decide rejects and changes nothing', async () => {
    const kv = memoryKv()
    await kv.update('k', () => ({ result: null, set: 'v' }))
    await expect(
      kv.update('k', () => {
        throw new Error('bad decide')
      }),
    ).rejects.toThrow('bad decide')
    expect(await kv.get('k')).toBe('v')
  })

  it('delete reports whether a live key existed; clear empties the store', async () => {
    let now = 0
    const kv = memoryKv({ now: () => now })
    await kv.update('live', () => ({ result: null, set: 'x' }))
    await kv.update('dying', () => ({ result: null, set: 'x', ttlMs: 1 }))
    now = 10
    expect(await kv.delete('dying')).toBe(false)
    expect(await kv.delete('live')).toBe(true)
    expect(await kv.delete('live')).toBe(false)
    await kv.update('x', () => ({ result: null, set: 'x' }))
    kv.clear()
    expect(kv.size).toBe(0)
  })
})
