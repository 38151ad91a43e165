import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { UserClaims } from '@tripsage/core'
import { signQstashRequest } from '@tripsage/jobs'
import { startUpstashBridge, type UpstashBridge } from '@tripsage/testing'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../src/app.js'
import { openApiPath } from '../src/openapi.js'
import { apiRateLimitRules } from '../src/rate-limits.js'
import { jobRoutes, routes } from '../src/routes.js'
import { createServices, rateLimiterFor, type Services } from '../src/services.js'

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
    // Well-formed but invalid claims are refused by forUser: a bad token (401), not bad input.
    const noSub = Buffer.from(JSON.stringify({ sub: 'x' })).toString('base64url')
    const refused = await api().get('/trips').set(auth(noSub)).expect(401)
    expect(refused.body.error).toMatchObject({ code: 'unauthorized' })
    expect(refused.headers['www-authenticate']).toBe('Bearer')
    for (const res of [await api().get('/trips'), await api().get('/trips').set(auth('not-base64-json'))]) {
      expect(res.body.error.code).toBe('unauthorized')
      expect(res.body.error.message).toMatch(/^(Sign in first|The bearer token is not valid)/)
    }
  })

  it('malformed JSON is named as such; dev-user input errors are 400 in plain words, not a crash', async () => {
    const bad = await api().post('/dev/users').set('content-type', 'application/json').send('{"email": "x@').expect(400)
    expect(bad.body.error).toMatchObject({ code: 'validation', message: 'The request body is not valid JSON' })
    const email = await api().post('/dev/users').send({ email: 'SECRET-not-an-email' }).expect(400)
    expect(email.body.error).toMatchObject({
      code: 'validation',
      message: 'Invalid dev user: email must be a valid email address',
    })
    expect(JSON.stringify(email.body)).not.toContain('SECRET')
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
    // Plain words with a stable code, never zod internals ("expected nonoptional, received undefined").
    const empty = await api().post('/trips').set(auth(carol.token)).send({}).expect(400)
    expect(empty.body.error).toMatchObject({
      code: 'validation',
      message: 'Invalid trip: name is required (and 3 more)',
    })
    expect(empty.body.error.details.issues.map((i: { message: string }) => i.message)).toEqual([
      'name is required',
      'destination is required',
      'startDate is required',
      'endDate is required',
    ])
    expect(JSON.stringify(empty.body)).not.toMatch(/nonoptional|received undefined|Invalid input/)
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

  it('a refused upload says why', async () => {
    const olga = await devUser('olga@example.com')
    const exe = await api()
      .post('/attachments')
      .set(auth(olga.token))
      .send({ filename: 'setup.exe', mimeType: 'application/x-msdownload', size: 10 })
      .expect(400)
    expect(exe.body.error.message).toMatch(
      /^Invalid attachment upload: this file type is not allowed \(allowed: .*application\/pdf/,
    )
    const huge = await api()
      .post('/attachments')
      .set(auth(olga.token))
      .send({ filename: 'scan.pdf', mimeType: 'application/pdf', size: 50 * 1024 * 1024 })
      .expect(400)
    expect(huge.body.error.message).toBe('Invalid attachment upload: size must be at most 10485760 bytes')
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
    // A bad query is a search-query error, not "Invalid memory" / "content must not be empty".
    for (const path of ['/memories/search', '/memories/hybrid-search']) {
      const blank = await api().post(path).set(auth(heidi.token)).send({ query: '   ' }).expect(400)
      expect(blank.body.error).toMatchObject({
        code: 'validation',
        message: 'Invalid memory search: query must not be empty',
        details: { issues: [{ path: 'query', message: 'query must not be empty' }] },
      })
    }
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

    expect((await send().send(body).expect(401)).body.error).toMatchObject({ code: 'unauthorized' })
    const forged = await signQstashRequest({ signingKey: 'not-the-key', url: services.memorySync.url, body })
    expect((await send().set('upstash-signature', forged).send(body).expect(401)).body.error.code).toBe('unauthorized')
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

describe('rate limits on real Redis (redis-server through the Upstash REST bridge)', () => {
  let bridge: UpstashBridge
  beforeAll(async () => {
    bridge = await startUpstashBridge()
  })
  afterAll(async () => {
    await bridge?.stop()
  })

  /** The app over the shared services, with the limiter the API builds for Upstash and tiny limits. */
  const limitedApp = (rules: Record<string, { limit: number; window: `${number} s` }>) =>
    createApp({ ...services, limiter: rateLimiterFor({ upstashUrl: bridge.url, upstashToken: bridge.token, rules }) })

  it('every route is limited: a 429 carries Retry-After and the same RateLimit-* headers as a 200', async () => {
    const app = limitedApp({ 'trips.read': { limit: 2, window: '60 s' } })
    const frank = await devUser('frank@example.com')
    const first = await request(app).get('/trips').set(auth(frank.token)).expect(200)
    expect(first.headers['ratelimit-limit']).toBe('2')
    expect(first.headers['ratelimit-remaining']).toBe('1')
    expect(Number(first.headers['ratelimit-reset'])).toBeGreaterThan(0)
    const second = await request(app).get('/trips').set(auth(frank.token)).expect(200)
    expect(second.headers['ratelimit-remaining']).toBe('0')

    const limited = await request(app).get('/trips').set(auth(frank.token)).expect(429)
    expect(limited.body.error.code).toBe('rate_limited')
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(limited.headers['ratelimit-limit']).toBe('2')
    expect(limited.headers['ratelimit-remaining']).toBe('0')
    expect(Number(limited.headers['ratelimit-reset'])).toBeGreaterThan(0)
    expect(Number(limited.headers['ratelimit-reset'])).toBeLessThanOrEqual(60)
    // Counted per user: another user still gets through.
    const grace = await devUser('grace@example.com')
    await request(app).get('/trips').set(auth(grace.token)).expect(200)
    expect(bridge.commandCounts().EVALSHA ?? 0).toBeGreaterThan(0)
  })

  // docs/decisions/0012-examples-invalid-requests-count.md: every request that reaches a route
  // counts, valid or not; a bad token counts against the client IP, never against a user.
  it('invalid requests count against the limit, and a bad token does not spend the user allowance', async () => {
    const app = limitedApp({ 'memory.search': { limit: 2, window: '60 s' } })
    const mallory = await devUser('mallory@example.com')
    const invalid = await request(app)
      .post('/memories/search')
      .set(auth(mallory.token))
      .send({ query: ' ' })
      .expect(400)
    expect(invalid.headers['ratelimit-remaining']).toBe('1')
    await request(app).post('/memories/search').set(auth(mallory.token)).send({ query: ' ' }).expect(400)
    const limited = await request(app).post('/memories/search').set(auth(mallory.token)).send({ query: 'aisle' })
    expect(limited.status).toBe(429)

    const nina = await devUser('nina@example.com')
    const badToken = `${nina.token}-tampered`
    await request(app).post('/memories/search').set(auth(badToken)).send({ query: 'aisle' }).expect(401)
    await request(app).post('/memories/search').set(auth(nina.token)).send({ query: 'aisle' }).expect(200)
  })

  it('unknown routes and unreadable bodies count against the per-IP public rule', async () => {
    const app = limitedApp({ 'api.public': { limit: 2, window: '60 s' } })
    await request(app).get('/nope').expect(404)
    const bad = await request(app).post('/trips').set('content-type', 'application/json').send('{').expect(400)
    expect(bad.headers['ratelimit-remaining']).toBe('0')
    const limited = await request(app).get('/nope').expect(429)
    expect(limited.headers['ratelimit-limit']).toBe('2')
  })
})

describe('unexpected errors', () => {
  it('are logged on the server with a reference, and the client gets a sentence and that reference only', async () => {
    const logged: { message: string; context: Record<string, unknown>; error: unknown }[] = []
    const broken: Services = {
      ...services,
      authenticate: async () => {
        throw new Error('connection to SECRET-HOST failed: password SECRET-PASSWORD')
      },
    }
    const app = createApp(broken, { log: (message, context, error) => logged.push({ message, context, error }) })
    const res = await request(app).get('/trips').set(auth('whatever')).expect(500)
    expect(res.body.error).toEqual({
      code: 'internal',
      message: 'Something went wrong on our side. Quote the reference if you report it.',
      reference: expect.stringMatching(/^[0-9a-f-]{36}$/),
    })
    expect(JSON.stringify(res.body)).not.toContain('SECRET')
    expect(logged).toEqual([
      {
        message: 'unexpected error',
        context: { method: 'GET', route: '/trips', reference: res.body.error.reference },
        error: expect.objectContaining({ message: expect.stringContaining('SECRET-HOST') }),
      },
    ])
  })

  it('expected refusals are not logged', async () => {
    const logged: unknown[] = []
    const app = createApp(services, { log: (...entry) => logged.push(entry) })
    await request(app).get('/trips').expect(401)
    await request(app).post('/dev/users').send({ email: 'nope' }).expect(400)
    expect(logged).toEqual([])
  })
})
