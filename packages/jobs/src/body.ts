/** The outcome of {@link readBodyWithLimit}. */
export type BodyReadResult = { ok: true; text: string } | { ok: false; reason: 'too_large' | 'unreadable' }

/**
 * Reads a request body once, as UTF-8 text, refusing it as soon as it exceeds `maxBytes` (the
 * declared `Content-Length` is checked first, then the bytes actually streamed, so a lying header
 * does not help). Invalid UTF-8 is decoded with replacement characters, so it cannot match the
 * signed body hash.
 *
 * @param req - the incoming request
 * @param maxBytes - the largest body accepted
 */
export async function readBodyWithLimit(req: Request, maxBytes: number): Promise<BodyReadResult> {
  const declared = Number(req.headers.get('content-length') ?? Number.NaN)
  if (Number.isFinite(declared) && declared > maxBytes) {
    await req.body?.cancel().catch(() => undefined)
    return { ok: false, reason: 'too_large' }
  }
  if (req.body === null) return { ok: true, text: '' }
  const reader = req.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined)
        return { ok: false, reason: 'too_large' }
      }
      chunks.push(value)
    }
  } catch {
    return { ok: false, reason: 'unreadable' }
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return { ok: true, text: new TextDecoder().decode(bytes) }
}
