import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRateLimiter, memoryKv, type UserClaims } from '@tripsage/core'
import { signQstashRequest } from '@tripsage/jobs'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../src/app.js'
import { openApiPath } from '../src/openapi.js'
import { apiRateLimitRules } from '../src/rate-limits.js'
import { jobRoutes, routes } from '../src/routes.js'
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

/** The claims inside an embedded-mode dev token. */
const claimsOf = (token: string): UserClaims => JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))

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
    for (const route of jobRoutes) {
      const op = doc.paths[openApiPath(route.path)]?.[route.method]
      expect(op, `${route.method} ${route.path}`).toBeDefined()
      expect(op['x-rate-limit-rule']).toBe(route.rule)
      expect(op.security).toEqual([{ qstash: [] }])
      expect(op.responses['401']).toBeDefined()
    }
    const memorySearch = doc.paths['/memories/search'].post.requestBody.content['application/json'].schema
    expect(Object.keys(memorySearch.properties)).toEqual(expect.arrayContaining(['query', 'limit', 'types']))
    const hybrid = doc.paths['/memories/hybrid-search'].post.requestBody.content['application/json'].schema
    expect(hybrid.required).toContain('query')
    const addMemory = doc.paths['/memories'].post.requestBody.content['application/json'].schema
    expect(addMemory.required).toContain('content')
    const job = doc.paths['/jobs/memory-sync'].post.requestBody.content['application/json'].schema
    expect(job.required).toEqual(expect.arrayContaining(['userId', 'sessionId', 'messageIds']))
    const createTrip = doc.paths['/trips'].post.requestBody.content['application/json'].schema
    expect(createTrip.required).toEqual(expect.arrayContaining(['name', 'destination', 'startDate', 'endDate']))
    expect(createTrip.additionalProperties).toBe(false)
    const listTrips = doc.paths['/trips'].get.parameters.map((p: { name: string }) => p.name)
    expect(listTrips).toEqual(expect.arrayContaining(['limit', 'cursor', 'status', 'sortBy']))
  })

  it('every route names a rule the limiter knows', () => {
    for (const route of [...routes, ...jobRoutes]) expect(Object.keys(services.limiter.rules)).toContain(route.rule)
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

describe('memory over HTTP', () => {
  it('add, semantic and hybrid search; memories are owner-only under RLS', async () => {
    const heidi = await devUser('heidi@example.com')
    const ivan = await devUser('ivan@example.com')
    const added = await api()
      .post('/memories')
      .set(auth(heidi.token))
      .send({ content: 'I prefer aisle seats on long flights', type: 'user_preference' })
      .expect(201)
    expect(added.body).toMatchObject({ content: 'I prefer aisle seats on long flights', type: 'user_preference' })
    await api()
      .post('/memories')
      .set(auth(heidi.token))
      .send({ content: 'Hotel booking reference QX7Z9 in Alfama', type: 'trip_history' })
      .expect(201)

    const semantic = await api()
      .post('/memories/search')
      .set(auth(heidi.token))
      .send({ query: 'which seats do I prefer on flights', limit: 1 })
      .expect(200)
    expect(semantic.body.items.map((m: { content: string }) => m.content)).toEqual([
      'I prefer aisle seats on long flights',
    ])
    const hybrid = await api()
      .post('/memories/hybrid-search')
      .set(auth(heidi.token))
      .send({ query: 'QX7Z9', limit: 1 })
      .expect(200)
    expect(hybrid.body.items[0]).toMatchObject({ content: 'Hotel booking reference QX7Z9 in Alfama' })
    expect(hybrid.body.items[0].textRank).toBe(1)

    // Another user searching the same words finds nothing: RLS, not a filter in the route.
    for (const path of ['/memories/search', '/memories/hybrid-search']) {
      const theirs = await api().post(path).set(auth(ivan.token)).send({ query: 'aisle seats QX7Z9' }).expect(200)
      expect(theirs.body.items).toEqual([])
    }
    // The SDK's schemas decide what is valid: a strict object, no echo of the value.
    const bad = await api()
      .post('/memories/search')
      .set(auth(heidi.token))
      .send({ query: 'x', userId: 'SECRET-USER' })
      .expect(400)
    expect(JSON.stringify(bad.body)).not.toContain('SECRET-USER')
    await api().post('/memories/search').send({ query: 'aisle' }).expect(401)
  })

  it('chat messages reach memory through the outbox and the signed memory-sync job', async () => {
    const judy = await devUser('judy@example.com')
    const session = (await api().post('/chat/sessions').set(auth(judy.token)).send({}).expect(201)).body
    await api()
      .post(`/chat/sessions/${session.id}/messages`)
      .set(auth(judy.token))
      .send([{ role: 'user', content: 'I prefer window seats and we never fly overnight.' }])
      .expect(201)
    await services.memorySync.queue?.drain()
    expect(services.memorySync.queue?.deliveries.at(-1)?.status).toBe(200)
    const recalled = await api()
      .post('/memories/search')
      .set(auth(judy.token))
      .send({ query: 'window seats', types: ['user_preference'] })
      .expect(200)
    // Memory learning stores the user's statement (the lexical extractor drops the final stop).
    expect(recalled.body.items.map((m: { content: string }) => m.content)).toContain(
      'I prefer window seats and we never fly overnight',
    )
  })

  it('the job route refuses an unsigned delivery (401) and runs a signed one', async () => {
    const kim = await devUser('kim@example.com')
    const session = (await api().post('/chat/sessions').set(auth(kim.token)).send({}).expect(201)).body
    // Messages appended straight through the SDK (no outbox), so only our delivery syncs them.
    const [message] = await services.tripsage
      .forUser(claimsOf(kim.token))
      .chat.messages.append(session.id, [{ role: 'user', content: 'I prefer vegetarian restaurants.' }])
    const body = JSON.stringify({
      userId: kim.id,
      sessionId: session.id,
      messageIds: [message!.id],
    })
    const send = () => api().post('/jobs/memory-sync').set('content-type', 'application/json')

    expect((await send().send(body).expect(401)).body.error).toBeDefined()
    const forged = await signQstashRequest({ signingKey: 'not-the-key', url: services.memorySync.url, body })
    await send().set('upstash-signature', forged).send(body).expect(401)
    const wrongUrl = await signQstashRequest({
      signingKey: services.memorySync.queue!.signingKeys.currentSigningKey,
      url: `${base}/elsewhere`,
      body,
    })
    await send().set('upstash-signature', wrongUrl).send(body).expect(401)
    expect(await services.tripsage.forUser(claimsOf(kim.token)).memory.list({})).toMatchObject({ items: [] })

    const signature = await signQstashRequest({
      signingKey: services.memorySync.queue!.signingKeys.currentSigningKey,
      url: services.memorySync.url,
      body,
    })
    await send().set('upstash-signature', signature).set('upstash-message-id', 'msg-kim-1').send(body).expect(200)
    const found = await api()
      .post('/memories/hybrid-search')
      .set(auth(kim.token))
      .send({ query: 'vegetarian restaurants' })
      .expect(200)
    expect(found.body.items.map((m: { content: string }) => m.content)).toContain('I prefer vegetarian restaurants')
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
