import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ScriptTranslator, stockScript } from './scripts.js'

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex')

describe('stockScript', () => {
  it.each([
    ['#!lua flags=allow-key-locking\n  return 1', '#!lua\n  return 1'],
    ['#!lua flags=no-writes,allow-key-locking\nreturn 1', '#!lua flags=no-writes\nreturn 1'],
    ['#!lua name=x flags=allow-key-locking,allow-oom\nreturn 1', '#!lua flags=allow-oom\nreturn 1'],
  ])('drops flags stock Redis does not know: %j', (script, expected) => {
    expect(stockScript(script)).toBe(expected)
  })

  it.each([
    'return 1',
    '#!lua\nreturn 1',
    '#!lua flags=no-writes\nreturn 1',
    '\n#!lua flags=allow-key-locking\nreturn 1',
  ])('leaves scripts Redis accepts alone: %j', (script) => {
    expect(stockScript(script)).toBeUndefined()
  })
})

describe('ScriptTranslator', () => {
  const upstash = '#!lua flags=allow-key-locking\nreturn 1'
  const stock = '#!lua\nreturn 1'

  it('maps the client’s SHA-1 to the rewritten script’s after an EVAL or SCRIPT LOAD', () => {
    const t = new ScriptTranslator()
    expect(t.toRedis(['EVALSHA', sha1(upstash), '0'])).toEqual(['EVALSHA', sha1(upstash), '0'])
    expect(t.toRedis(['EVAL', upstash, '0'])).toEqual(['EVAL', stock, '0'])
    expect(t.toRedis(['evalsha', sha1(upstash).toUpperCase(), '0'])).toEqual(['evalsha', sha1(stock), '0'])
    expect(t.toRedis(['SCRIPT', 'EXISTS', sha1(upstash), 'f00'])).toEqual(['SCRIPT', 'EXISTS', sha1(stock), 'f00'])
    const load = ['SCRIPT', 'LOAD', upstash]
    expect(t.toRedis(load)).toEqual(['SCRIPT', 'LOAD', stock])
    expect(String(t.fromRedis(load, Buffer.from(sha1(stock))))).toBe(sha1(upstash))
  })
})
