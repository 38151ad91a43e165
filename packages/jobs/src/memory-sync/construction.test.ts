import { localEmbedder, memoryKv, type TripSage, ValidationError } from '@tripsage/core'
import { describe, expect, it } from 'vitest'
import { createMemorySyncHandler, type MemorySyncHandlerOptions } from './handler.js'

// Required ports are checked when the handler is built: without them it used to construct fine and
// then answer every delivery with 500 `internal`. Unit test: the ports are never called here, so a
// stand-in object is enough for `tripsage`.
const keys = { currentSigningKey: 'sig_current_construction', nextSigningKey: 'sig_next_construction' }
const complete: MemorySyncHandlerOptions = {
  tripsage: {} as TripSage,
  embedder: localEmbedder(),
  kv: memoryKv(),
  receiver: keys,
  url: 'https://app.example.test/api/jobs/memory-sync',
}

describe('createMemorySyncHandler: construction', () => {
  it('builds with every required option', () => {
    expect(typeof createMemorySyncHandler(complete)).toBe('function')
  })

  it.each(['embedder', 'tripsage', 'kv', 'receiver'] as const)(
    'refuses a missing `%s` with a validation error naming it',
    (option) => {
      const build = () => createMemorySyncHandler({ ...complete, [option]: undefined } as never)
      expect(build).toThrow(ValidationError)
      expect(build).toThrow(
        expect.objectContaining({ code: 'validation', details: expect.objectContaining({ option }) }),
      )
      expect(build).toThrow(new RegExp(option))
    },
  )

  it('refuses an embedder of the wrong dimensions, naming the option', () => {
    const small = { ...localEmbedder(), dimensions: 384 }
    expect(() => createMemorySyncHandler({ ...complete, embedder: small })).toThrow(
      expect.objectContaining({ code: 'validation', details: expect.objectContaining({ option: 'embedder' }) }),
    )
  })
})
