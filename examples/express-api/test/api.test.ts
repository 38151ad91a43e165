import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRateLimiter, memoryKv } from '@tripsage/core'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../src/app.js'
import { openApiPath } from '../src/openapi.js'
import { apiRateLimitRules } from '../src/rate-limits.js'
import { routes } from '../src/routes.js'
import { createServices, type Services } from '../src/services.js'

// The API over real HTTP: a node:http server on a free port, in embedded mode.
let server: Server
let base: string
let services: Services
let files: string
const auth = (token: string) => ({ authorization: `Bearer ${token}` })
const api = () => request(base)

beforeAll(async () => {
  files = await mkdtemp(join(tmpdir(), 'express-api-files-'))
  server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  services = await createServices({
    publicUrl: base,
    filesDir: files,
    signingSecret: 'a-test-signing-secret-of-at-least-32-bytes',
  })
  server.on('request', createApp(services))
})

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve))
  await services?.close()
  if (files) await rm(files, { recursive: true, force: true })
})

const devUser = async (email: string) => {
  const res = await api().post('/dev/users').send({ email }).expect(201)
  return res.body as { id: string; token: string }
}

const lisbon = { name: 'Lisbon in spring', destination: 'Lisbon', startDate: '2027-04-10', endDate: '2027-04-17' }

describe('meta', () => {
  it('GET /health answers with the mode and rate-limit headers', async () => {
    const res = await api().get('/health').expect(200)
    expect(res.body).toEqual({ status: 'ok', mode: 'embedded' })
    expect(res.headers['ratelimit-limit']).toBe(String(apiRateLimitRules['api.public'].limit))
  })

  it('unknown routes are 404 and malformed JSON is 400, both without echoing input', async () => {
    const missing = await api().get('/nope').expect(404)
    expect(missing.body.error.code).toBe('not_found')
    const bad = await api().post('/dev/users').set('content-type', 'application/json').send('{"email": "x@').expect(400)
    expect(JSON.stringify(bad.body)).not.toContain('x@')
  })

  it('user routes need a bearer token', async () => {
    const res = await api().get('/trips').expect(401)
    expect(res.headers['www-authenticate']).toBe('Bearer')
    await api().get('/trips').set(auth('not-base64-json')).expect(401)
    // Well-formed but invalid claims are refused by forUser: a validation error, not a crash.
    const noSub = Buffer.from(JSON.stringify({ sub: 'x' })).toString('base64url')
    expect((await api().get('/trips').set(auth(noSub)).expect(400)).body.error.code).toBe('validation')
  })
})

describe('OpenAPI', () => {
  it('describes every route, with the SDK schemas as request bodies and a rate limit on each', async () => {
    const doc = (await api().get('/openapi.json').expect(200)).body
    expect(doc.openapi).toBe('3.1.0')
    for (const route of routes) {
      const op = doc.paths[openApiPath(route.path)]?.[route.method]
      expect(op, `${route.method} ${route.path}`).toBeDefined()
      expect(op['x-rate-limit-rule']).toBe(route.rule)
      expect(op.responses['429']).toBeDefined()
    }
    const createTrip = doc.paths['/trips'].post.requestBody.content['application/json'].schema
    expect(createTrip.required).toEqual(expect.arrayContaining(['name', 'destination', 'startDate', 'endDate']))
    expect(createTrip.additionalProperties).toBe(false)
    const listTrips = doc.paths['/trips'].get.parameters.map((p: { name: string }) => p.name)
    expect(listTrips).toEqual(expect.arrayContaining(['limit', 'cursor', 'status', 'sortBy']))
  })

  it('every route names a rule the limiter knows', () => {
    for (const route of routes) expect(Object.keys(services.limiter.rules)).toContain(route.rule)
    expect(Object.keys(services.limiter.rules)).toContain('storage.serve')
  })
})

describe('trips over HTTP, with RLS deciding', () => {
  it('a trip is private until shared; a viewer reads but cannot change it', async () => {
    const alice = await devUser('alice@example.com')
    const bob = await devUser('bob@example.com')

    const trip = (await api().post('/trips').set(auth(alice.token)).send(lisbon).expect(201)).body
    expect(trip).toMatchObject({ ...lisbon, userId: alice.id, status: 'planning' })

    expect((await api().get(`/trips/${trip.id}`).set(auth(bob.token)).expect(404)).body.error.code).toBe('not_found')
    expect((await api().get('/trips').set(auth(bob.token)).expect(200)).body.items).toEqual([])

    await api()
      .post(`/trips/${trip.id}/collaborators`)
      .set(auth(alice.token))
      .send({ userId: bob.id, role: 'viewer' })
      .expect(201)
    await api()
      .post(`/trips/${trip.id}/flights`)
      .set(auth(alice.token))
      .send({ origin: 'LHR', destination: 'LIS', departureDate: '2027-04-10', price: 120 })
      .expect(201)

    const seen = (await api().get(`/trips/${trip.id}`).set(auth(bob.token)).expect(200)).body
    expect(seen.flights).toHaveLength(1)
    expect(seen.collaborators).toEqual([expect.objectContaining({ userId: bob.id, role: 'viewer' })])

    const denied = await api()
      .patch(`/trips/${trip.id}`)
      .set(auth(bob.token))
      .send({ name: 'Bob was here' })
      .expect(403)
    expect(denied.body.error.code).toBe('forbidden')
    await api().delete(`/trips/${trip.id}`).set(auth(bob.token)).expect(403)

    const listed = (await api().get('/trips?limit=5&status=planning').set(auth(bob.token)).expect(200)).body
    expect(listed.items.map((t: { id: string }) => t.id)).toEqual([trip.id])
  })

  it('bad input is a 400 validation error that does not echo values, and nothing is written', async () => {
    const carol = await devUser('carol@example.com')
    const bad = await api()
      .post('/trips')
      .set(auth(carol.token))
      .send({ ...lisbon, endDate: '2027-04-01', name: 'SECRET-NAME' })
      .expect(400)
    expect(bad.body.error.code).toBe('validation')
    expect(JSON.stringify(bad.body)).not.toContain('SECRET-NAME')
    // Mass assignment: the owner is always the caller.
    await api()
      .post('/trips')
      .set(auth(carol.token))
      .send({ ...lisbon, userId: '00000000-0000-4000-8000-000000000000' })
      .expect(400)
    expect((await api().get('/trips').set(auth(carol.token)).expect(200)).body.items).toEqual([])
  })
})

describe('chat and attachments over HTTP', () => {
  it('a chat session on a trip: append and page through history', async () => {
    const dave = await devUser('dave@example.com')
    const trip = (await api().post('/trips').set(auth(dave.token)).send(lisbon).expect(201)).body
    const session = (await api().post('/chat/sessions').set(auth(dave.token)).send({ tripId: trip.id }).expect(201))
      .body
    const appended = await api()
      .post(`/chat/sessions/${session.id}/messages`)
      .set(auth(dave.token))
      .send([
        { role: 'user', content: 'Find me a quiet hotel in Alfama' },
        { role: 'assistant', content: 'Here are three options…' },
      ])
      .expect(201)
    expect(appended.body).toHaveLength(2)
    const history = await api()
      .get(`/chat/sessions/${session.id}/messages?limit=1&order=oldest`)
      .set(auth(dave.token))
      .expect(200)
    expect(history.body.items.map((m: { content: string }) => m.content)).toEqual(['Find me a quiet hotel in Alfama'])
    expect(history.body.nextCursor).toEqual(expect.any(String))
  })

  it('upload to the signed URL, complete, and download through a signed URL', async () => {
    const erin = await devUser('erin@example.com')
    const trip = (await api().post('/trips').set(auth(erin.token)).send(lisbon).expect(201)).body
    const bytes = Buffer.from('Boarding pass: TP 1351, seat 12A\n')
    const { attachment, upload } = (
      await api()
        .post('/attachments')
        .set(auth(erin.token))
        .send({ tripId: trip.id, filename: 'boarding-pass.txt', mimeType: 'text/plain', size: bytes.byteLength })
        .expect(201)
    ).body
    expect(upload.url.startsWith(`${base}/storage/`)).toBe(true)

    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes })
    expect(put.status).toBeLessThan(300)
    const done = (await api().post(`/attachments/${attachment.id}/complete`).set(auth(erin.token)).expect(200)).body
    expect(done.uploadStatus).toBe('completed')

    const { url } = (await api().get(`/attachments/${attachment.id}/url`).set(auth(erin.token)).expect(200)).body
    const download = await fetch(url)
    expect(download.status).toBe(200)
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true)
    // A tampered signature is refused.
    expect((await fetch(url.replace(/token=([^&])/, 'token=x$1'))).status).toBeGreaterThanOrEqual(400)
  })
})

describe('rate limits', () => {
  it('every route is limited: past the limit the API answers 429 with Retry-After', async () => {
    const tight = {
      ...services,
      limiter: createRateLimiter({
        kv: memoryKv(),
        rules: { ...apiRateLimitRules, 'trips.read': { limit: 2, window: '60 s' } },
      }),
    }
    const app = createApp(tight)
    const frank = await devUser('frank@example.com')
    await request(app).get('/trips').set(auth(frank.token)).expect(200)
    await request(app).get('/trips').set(auth(frank.token)).expect(200)
    const limited = await request(app).get('/trips').set(auth(frank.token)).expect(429)
    expect(limited.body.error.code).toBe('rate_limited')
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    // Counted per user: another user still gets through.
    const grace = await devUser('grace@example.com')
    await request(app).get('/trips').set(auth(grace.token)).expect(200)
  })
})
