import { NotFoundError, RateLimitedError, TripSageError } from '@tripsage/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { errorResponse } from '../lib/error-response.js'

// Issue 13 (finding 5): a non-TripSage error used to become a bare 500 with nothing logged, so a
// crash on a fresh clone left the terminal empty. Now the server logs it under a reference and the
// client gets a sentence and that reference — never the original message.
afterEach(() => {
  vi.restoreAllMocks()
})

describe('errorResponse', () => {
  it('logs an unexpected error on the server and answers a safe 500 with a reference', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const failure = new Error("ENOENT: no such file or directory, mkdir '/home/SECRET/.tripsage/next-db'")
    const res = errorResponse(failure, 'session')
    expect(res.status).toBe(500)
    const body = (await res.json()) as { error: { code: string; message: string; reference: string } }
    expect(body.error).toEqual({
      code: 'internal',
      message: 'Something went wrong on our side. Quote the reference if you report it.',
      reference: expect.stringMatching(/^[0-9a-f-]{36}$/),
    })
    expect(JSON.stringify(body)).not.toContain('SECRET')
    expect(log).toHaveBeenCalledOnce()
    expect(log).toHaveBeenCalledWith(
      '[next-app] unexpected error',
      { where: 'session', reference: body.error.reference },
      failure,
    )
  })

  it('an internal TripSageError is logged too; errors the client can act on are answered, not logged', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    expect(errorResponse(new TripSageError('internal', 'bug')).status).toBe(500)
    expect(log).toHaveBeenCalledOnce()
    log.mockClear()

    const missing = errorResponse(new NotFoundError('Trip not found'))
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found', message: 'Trip not found' } })
    const limited = errorResponse(new RateLimitedError('slow down', { details: { retryAfterSeconds: 7 } }))
    expect(limited.status).toBe(429)
    expect(limited.headers.get('Retry-After')).toBe('7')
    expect(errorResponse(new TripSageError('unauthorized', 'Sign in first')).status).toBe(401)
    expect(log).not.toHaveBeenCalled()
  })
})
