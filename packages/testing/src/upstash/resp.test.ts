import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeCommands, RespDecoder, RespError, type RespReply } from './resp.js'

/** Encodes a reply the way redis-server would (test-only: the bridge only decodes replies). */
function encodeReply(reply: RespReply): Buffer {
  if (reply === null) return Buffer.from('$-1\r\n')
  if (typeof reply === 'number') return Buffer.from(`:${reply}\r\n`)
  if (typeof reply === 'string') return Buffer.from(`+${reply}\r\n`)
  if (reply instanceof RespError) return Buffer.from(`-${reply.message}\r\n`)
  if (Buffer.isBuffer(reply)) return Buffer.concat([Buffer.from(`$${reply.length}\r\n`), reply, Buffer.from('\r\n')])
  return Buffer.concat([Buffer.from(`*${reply.length}\r\n`), ...reply.map(encodeReply)])
}

const line = fc.string({ unit: 'grapheme' }).filter((s) => !/[\r\n]/.test(s))
const { reply } = fc.letrec((tie) => ({
  reply: fc.oneof(
    { depthSize: 'small' },
    line,
    fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
    fc.integer(),
    fc.constant(null),
    line.map((m) => new RespError(m)),
    fc.array(tie('reply'), { maxLength: 4 }),
  ),
})) as { reply: fc.Arbitrary<RespReply> }

describe('RESP2', () => {
  it('encodes commands as arrays of binary-safe bulk strings', () => {
    expect(
      encodeCommands([
        ['SET', 'k', Buffer.from([0, 13, 10])],
        ['GET', 'k'],
      ]).toString('latin1'),
    ).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n\u0000\r\n\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n')
  })

  it('property: decodes any replies however the bytes are split into chunks', () => {
    fc.assert(
      fc.property(
        fc.array(reply, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (replies, cuts) => {
          const bytes = Buffer.concat(replies.map(encodeReply))
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
          const decoder = new RespDecoder()
          const out: RespReply[] = []
          let from = 0
          for (const to of [...points, bytes.length]) {
            out.push(...decoder.push(bytes.subarray(from, to)))
            from = to
          }
          expect(out).toEqual(replies)
        },
      ),
    )
  })

  it('refuses a byte stream that is not RESP', () => {
    expect(() => new RespDecoder().push(Buffer.from('HTTP/1.1 200 OK\r\n'))).toThrow(/Unexpected RESP type/)
  })
})
