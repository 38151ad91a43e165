import { describe, expect, it } from 'vitest'
import { NON_RETRYABLE_STATUS, nonRetryableResponse } from './responses.js'

describe('nonRetryableResponse', () => {
  it('answers 489 with the non-retryable header and a JSON error body', async () => {
    const res = nonRetryableResponse('validation', 'Payload does not match the schema')
    expect(res.status).toBe(NON_RETRYABLE_STATUS)
    expect(res.headers.get('Upstash-NonRetryable-Error')).toBe('true')
    expect(await res.json()).toEqual({ error: { code: 'validation', message: 'Payload does not match the schema' } })
  })
})
