import { errorResponse } from '../../../../lib/respond'
import { getTripSage } from '../../../../lib/tripsage'

/**
 * Embedded mode: serves the signed upload (PUT) and download (GET) URLs of the file-system storage.
 * The signature in the URL is the authorization; `handle` checks it, the size and the type.
 */
async function serve(request: Request): Promise<Response> {
  try {
    const { fileStorage, limiter } = await getTripSage()
    if (!fileStorage) return new Response('Not found', { status: 404 })
    await limiter.enforce('storage.serve', { ip: request.headers.get('x-forwarded-for') ?? 'local' })
    // The URL as it was signed: PUBLIC_URL may differ from the host the request came in on.
    const incoming = new URL(request.url)
    const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`
    const body = request.method === 'PUT' ? await request.arrayBuffer() : undefined
    const signed = new Request(`${publicUrl}${incoming.pathname}${incoming.search}`, {
      method: request.method,
      headers: request.headers,
      ...(body ? { body } : {}),
    })
    return await fileStorage.handle(signed)
  } catch (error) {
    return errorResponse(error)
  }
}

export const GET = serve
export const PUT = serve
