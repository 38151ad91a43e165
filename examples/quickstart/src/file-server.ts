/**
 * The embedded stand-in for Supabase Storage's public endpoint: a loopback `node:http` server that
 * serves signed downloads (checked with `verifySignedUrl`, as any framework route would) and hands
 * signed uploads to `storage.handle`, which verifies them itself.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type FileSystemStorage, verifySignedUrl } from '@tripsage/core/storage/fs'

/** A running file server. */
export interface FileServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  /** Attaches the storage whose signed URLs it serves. */
  serve(storage: FileSystemStorage): void
  close(): void
}

/**
 * Starts the file server on a free loopback port.
 *
 * @param signingSecret - the secret the storage signs its URLs with
 */
export async function startFileServer(signingSecret: string): Promise<FileServer> {
  let storage: FileSystemStorage | undefined
  const server = createServer(async (req, res) => {
    if (!storage) {
      res.writeHead(503).end()
      return
    }
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
  return {
    origin,
    serve(s) {
      storage = s
    },
    close() {
      server.closeAllConnections()
      server.close()
    },
  }
}
