import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseRealtimeTopic, RealtimeTopic, sessionTopic, tripTopic, userTopic } from './topics.js'

const id = '0b6f3c1e-2a4d-4c5e-9f00-1a2b3c4d5e6f'

describe('realtime topics', () => {
  it('builds trip:, session: and user: topics from UUIDs, lowercased as Postgres prints them', () => {
    expect(tripTopic(id)).toBe(`trip:${id}`)
    expect(sessionTopic(id.toUpperCase())).toBe(`session:${id}`)
    expect(userTopic(id)).toBe(`user:${id}`)
  })

  it('parses a topic back into kind and id', () => {
    expect(parseRealtimeTopic(`session:${id}`)).toEqual({ kind: 'session', id })
    expect(parseRealtimeTopic(tripTopic(id))).toEqual({ kind: 'trip', id })
    expect(parseRealtimeTopic(userTopic(id))).toEqual({ kind: 'user', id })
  })

  it('round-trips every UUID (property)', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.constantFrom(tripTopic, sessionTopic, userTopic), (uuid, make) => {
        const topic = make(uuid)
        expect(RealtimeTopic.safeParse(topic).success).toBe(true)
        expect(parseRealtimeTopic(topic).id).toBe(uuid.toLowerCase())
      }),
    )
  })

  it('refuses anything else with validation (property)', () => {
    const bad = fc.oneof(
      fc.string(),
      fc.uuid().map((u) => `room:${u}`),
      fc.uuid().map((u) => `trip:${u.toUpperCase()}x`),
      fc.uuid().map((u) => `session:${u} `),
      fc.constantFrom('trip:', 'user:abc', `trip:${id}:extra`, `Trip:${id}`),
    )
    fc.assert(
      fc.property(bad, (topic) => {
        expect(() => parseRealtimeTopic(topic)).toThrow(expect.objectContaining({ code: 'validation' }))
      }),
    )
    for (const make of [tripTopic, sessionTopic, userTopic]) {
      expect(() => make('not-a-uuid')).toThrow(expect.objectContaining({ code: 'validation' }))
    }
  })
})
