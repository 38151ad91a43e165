import type { AttachmentMimeType } from './mime-types.js'

/** How many leading bytes {@link contentMatchesMimeType} looks at. */
export const sniffLength = 8192

/** What the leading bytes of a file look like. */
export type SniffedKind = 'png' | 'jpeg' | 'gif' | 'webp' | 'pdf' | 'zip' | 'text' | 'unknown'

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.byteLength < offset + signature.length) return false
  return signature.every((b, i) => bytes[offset + i] === b)
}

const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0))

const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
const jpeg = [0xff, 0xd8, 0xff]
const gif87 = ascii('GIF87a')
const gif89 = ascii('GIF89a')
const riff = ascii('RIFF')
const webp = ascii('WEBP')
const pdf = ascii('%PDF-')
const zip = [0x50, 0x4b, 0x03, 0x04]

/**
 * Classifies the leading bytes of a file by their signature ("magic number"); anything without a
 * binary signature that decodes as UTF-8 without control characters is `text`.
 *
 * @param head - the first bytes of the file (up to {@link sniffLength})
 */
export function sniffContent(head: Uint8Array): SniffedKind {
  if (startsWith(head, png)) return 'png'
  if (startsWith(head, jpeg)) return 'jpeg'
  if (startsWith(head, gif87) || startsWith(head, gif89)) return 'gif'
  if (startsWith(head, riff) && startsWith(head, webp, 8)) return 'webp'
  if (startsWith(head, pdf)) return 'pdf'
  if (startsWith(head, zip)) return 'zip'
  return isPlainText(head) ? 'text' : 'unknown'
}

/**
 * True when the leading bytes fit the declared type: PNG, JPEG, GIF, WebP and PDF by signature; a
 * Word document is a ZIP whose first entries include `[Content_Types].xml`, `_rels/` or `word/`;
 * plain text and CSV must be UTF-8 without control characters and must not open like markup
 * (`<html`, `<svg`, `<?xml`…), which a browser could be talked into rendering.
 *
 * @param mimeType - the declared type
 * @param head - the first bytes of the file (up to {@link sniffLength})
 */
export function contentMatchesMimeType(mimeType: AttachmentMimeType, head: Uint8Array): boolean {
  const kind = sniffContent(head)
  switch (mimeType) {
    case 'image/png':
      return kind === 'png'
    case 'image/jpeg':
      return kind === 'jpeg'
    case 'image/gif':
      return kind === 'gif'
    case 'image/webp':
      return kind === 'webp'
    case 'application/pdf':
      return kind === 'pdf'
    case 'application/vnd.openxmlformats-officedocument.wordprocessingml.document':
      return kind === 'zip' && looksLikeOfficeZip(head)
    case 'text/plain':
    case 'text/csv':
      return kind === 'text' && !opensLikeMarkup(head)
  }
}

/** UTF-8 (a character cut at the end of the sample is fine) without NUL or other C0 controls but tab, LF, FF, CR. */
function isPlainText(head: Uint8Array): boolean {
  for (const b of head) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) return false
    if (b === 0x7f) return false
  }
  try {
    // stream: true tolerates a multi-byte character cut off at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true })
    return true
  } catch {
    return false
  }
}

function opensLikeMarkup(head: Uint8Array): boolean {
  const start = new TextDecoder('utf-8')
    .decode(head.subarray(0, 256))
    .replace(/^\uFEFF/, '')
    .trimStart()
  return /^<[A-Za-z!?/]/.test(start)
}

function looksLikeOfficeZip(head: Uint8Array): boolean {
  const text = new TextDecoder('latin1').decode(head)
  return text.includes('[Content_Types].xml') || text.includes('word/') || text.includes('_rels/')
}
