import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { memoryKv } from '@tripsage/core'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createJobHandler } from '../handler.js'
import { keys, mintToken } from '../test-utils.js'
import { toExpressHandler } from './express.js'
import { toNodeListener } from './node.js'

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

async function listen(server: Server): Promise<string> {
  servers.push(server)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function handlerFor(publicUrl: string, seen: unknown[]) {
  return createJobHandler({
    receiver: keys,
    kv: memoryKv(),
    schema: z.object({ n: z.int() }),
    url: publicUrl,
    run: async (p) => {
      seen.push(p.n)
      return { n: p.n }
    },
  })
}

async function post(base: string, path: string, body: string, signature: string, messageId: string) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/json', 'Upstash-Signature': signature, 'Upstash-Message-Id': messageId },
  })
}

describe('@tripsage/jobs/node', () => {
  it('serves a job handler over plain http, raw body untouched', async () => {
    const seen: unknown[] = []
    const publicUrl = 'https://app.example.test/api/jobs/n'
    const base = await listen(createServer(toNodeListener(handlerFor(publicUrl, seen))))
    const body = JSON.stringify({ n: 7 })
    const res = await post(base, '/api/jobs/n', body, await mintToken(body, { sub: publicUrl }), 'm-node')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, result: { n: 7 } })
    const bad = await post(base, '/api/jobs/n', body, await mintToken('{"n":8}', { sub: publicUrl }), 'm-node-2')
    expect(bad.status).toBe(401)
    expect(seen).toEqual([7])
  })

  it('answers 500 when the handler throws', async () => {
    const base = await listen(
      createServer(
        toNodeListener(async () => {
          throw new Error('bug')
        }),
      ),
    )
    const res = await fetch(base, { method: 'POST', body: '{}' })
    expect(res.status).toBe(500)
  })
})

describe('@tripsage/jobs/express', () => {
  it('works mounted before express.json(), and with express.raw()', async () => {
    const seen: unknown[] = []
    const publicUrl = 'https://app.example.test/api/jobs/e'
    const app = express()
    app.post('/streamed', toExpressHandler(handlerFor(publicUrl, seen)))
    app.post('/raw', express.raw({ type: '*/*' }), toExpressHandler(handlerFor(publicUrl, seen)))
    app.use(express.json())
    app.post('/parsed', toExpressHandler(handlerFor(publicUrl, seen)))
    app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ error: error.message })
    })
    const base = await listen(createServer(app))
    const body = JSON.stringify({ n: 1 })
    const signature = await mintToken(body, { sub: publicUrl })
    expect((await post(base, '/streamed', body, signature, 'e-1')).status).toBe(200)
    expect((await post(base, '/raw', body, await mintToken(body, { sub: publicUrl }), 'e-2')).status).toBe(200)
    const parsed = await post(base, '/parsed', body, await mintToken(body, { sub: publicUrl }), 'e-3')
    expect(parsed.status).toBe(500)
    expect(((await parsed.json()) as { error: string }).error).toMatch(/already parsed/)
    expect(seen).toEqual([1, 1])
  })
})
