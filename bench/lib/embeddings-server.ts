/**
 * A local OpenAI-compatible `POST /v1/embeddings` server, so every library under test (ours,
 * LangChain's `OpenAIEmbeddings`, mem0's OpenAI embedder) embeds through the same HTTP endpoint and
 * gets the same vectors, unmodified. Supports `encoding_format: "float"` and `"base64"` (the
 * OpenAI SDK's default: little-endian float32).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

/** Turns texts into vectors (e.g. the local embedder's `embed`). */
export type EmbedTexts = (texts: string[]) => Promise<number[][]> | number[][]

/** A running server. */
export interface EmbeddingsServer {
  /** `http://127.0.0.1:<port>/v1` (what OpenAI clients call `baseURL`). */
  readonly baseURL: string
  /** Requests and texts served since the last reset. */
  stats(): { requests: number; texts: number }
  resetStats(): void
  close(): Promise<void>
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function toBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64')
}

/**
 * Starts the server on a free loopback port.
 *
 * @param embed - the embedder behind it
 * @param model - the model id it reports
 */
export async function startEmbeddingsServer(embed: EmbedTexts, model: string): Promise<EmbeddingsServer> {
  let requests = 0
  let texts = 0
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || !req.url?.endsWith('/embeddings')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}')
      return
    }
    const body = JSON.parse(await readBody(req)) as { input: string | string[]; encoding_format?: string }
    const inputs = Array.isArray(body.input) ? body.input : [body.input]
    if (inputs.some((i) => typeof i !== 'string')) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"input must be text"}}')
      return
    }
    requests++
    texts += inputs.length
    const vectors = await embed(inputs)
    const base64 = body.encoding_format === 'base64'
    const tokens = inputs.reduce((n, t) => n + Math.ceil(t.length / 4), 0)
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        object: 'list',
        model,
        data: vectors.map((v, index) => ({ object: 'embedding', index, embedding: base64 ? toBase64(v) : v })),
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      }),
    )
  }
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: String(error) } }))
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address !== 'object') throw new Error('embeddings server has no port')
  return {
    baseURL: `http://127.0.0.1:${address.port}/v1`,
    stats: () => ({ requests, texts }),
    resetStats: () => {
      requests = 0
      texts = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
