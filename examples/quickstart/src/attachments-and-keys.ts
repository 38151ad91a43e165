/**
 * Attachments and BYOK keys on the embedded default: PGlite, files on disk, signed URLs served by
 * a plain `node:http` server. Run it with `pnpm --filter @tripsage/example-quickstart attachments`.
 *
 * Only this example reads the environment (`TRIPSAGE_SIGNING_SECRET`); the SDK never does.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTripSage, TripSageError } from '@tripsage/core'
import { openEmbeddedDatabase } from '@tripsage/core/embedded'
import { type FileSystemStorage, fileSystemStorage, verifySignedUrl } from '@tripsage/core/storage/fs'
import { createTestUser } from '@tripsage/testing'

const signingSecret = process.env.TRIPSAGE_SIGNING_SECRET ?? randomBytes(32).toString('hex')
const dir = await mkdtemp(join(tmpdir(), 'tripsage-quickstart-files-'))
const { db, close } = await openEmbeddedDatabase()

// The file server: downloads are verified here with verifySignedUrl (what any framework route
// would do); uploads are handed to storage.handle, which verifies them itself.
let storage: FileSystemStorage
const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', origin)
  if (req.method === 'GET') {
    const check = await verifySignedUrl(url, { signingSecret })
    if (!check.valid || check.purpose !== 'read') {
      res.writeHead(403).end(check.valid ? 'wrong purpose' : check.reason)
      return
    }
    const info = await storage.head(check.path)
    const bytes = info && (await storage.read(check.path, { maxBytes: info.size }))
    if (!info || !bytes) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, {
      'content-type': info.contentType ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
    })
    res.end(bytes)
    return
  }
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const response = await storage.handle(
    new Request(url, {
      method: req.method ?? 'PUT',
      headers: req.headers as Record<string, string>,
      body: Buffer.concat(chunks),
    }),
  )
  res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()))
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

try {
  storage = fileSystemStorage({ dir, signingSecret, baseUrl: `${origin}/storage` })
  const tripsage = createTripSage({ db, storage })
  const alice = await createTestUser(db, { email: 'alice@example.com' })
  const bob = await createTestUser(db, { email: 'bob@example.com' })
  const me = tripsage.forUser(alice.claims)

  console.log('Attachments')
  const pdf = new TextEncoder().encode('%PDF-1.7\n% a boarding pass\n')
  const up = await me.attachments.createUpload({
    filename: 'Boarding pass.pdf',
    mimeType: 'application/pdf',
    size: pdf.byteLength,
  })
  console.log(`  created ${up.attachment.path} (${up.attachment.uploadStatus})`)
  await fetch(up.upload.url, { method: up.upload.method, headers: up.upload.headers, body: pdf }) // what a browser does
  const done = await me.attachments.complete(up.attachment.id)
  console.log(`  completed: ${done.uploadStatus}`)
  const link = await me.attachments.signedUrl(done.id, { expiresIn: 60 })
  const served = await fetch(link.url)
  console.log(
    `  signed URL served ${(await served.arrayBuffer()).byteLength} bytes (${served.headers.get('content-type')})`,
  )

  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  const fake = await me.attachments.createUpload({
    filename: 'visa.pdf',
    mimeType: 'application/pdf',
    size: png.byteLength,
  })
  try {
    await me.attachments.complete(fake.attachment.id, png)
  } catch (error) {
    if (TripSageError.isInstance(error))
      console.log(`  a PNG declared as PDF is refused: ${error.code} (${error.details?.reason})`)
  }
  try {
    await tripsage.forUser(bob.claims).attachments.signedUrl(done.id)
  } catch (error) {
    if (TripSageError.isInstance(error)) console.log(`  bob asking for alice's file: ${error.code}`)
  }

  console.log('BYOK keys')
  await tripsage.service.keys.set(alice.id, 'openai', 'sk-quickstart-not-a-real-key-0123456789')
  const listed = await me.keys.list()
  console.log(
    `  alice's keys: ${listed.map((k) => k.service).join(', ')} (metadata only: ${Object.keys(listed[0] ?? {}).join(', ')})`,
  )
  const embedder = await tripsage.service.keys.embedderFor(alice.id, {
    service: 'openai',
    create: (apiKey) => ({ name: 'openai-on-alice-key', keyTail: apiKey.slice(-4) }),
    fallback: { name: 'local', keyTail: '' },
  })
  console.log(
    `  embedder for alice: ${embedder.name}; for bob: ${(await tripsage.service.keys.embedderFor(bob.id, { service: 'openai', create: () => ({ name: 'never', keyTail: '' }), fallback: { name: 'local', keyTail: '' } })).name}`,
  )
  console.log(`  vault health: ${(await tripsage.service.keys.health()).healthy ? 'ok' : 'failing'}`)
} finally {
  server.closeAllConnections()
  server.close()
  await close()
  await rm(dir, { recursive: true, force: true })
}
