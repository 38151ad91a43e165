/**
 * Every file type an attachment may have: images, PDF, plain text, CSV and Word documents. Active
 * content (HTML, SVG, JavaScript, executables) is never accepted. The `attachments` bucket's
 * `allowed_mime_types` lists the same types.
 */
export const attachmentMimeTypes = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
] as const

/** One of {@link attachmentMimeTypes}. */
export type AttachmentMimeType = (typeof attachmentMimeTypes)[number]

/** File name extensions that fit each type; the first is the one appended when a name has none. */
export const extensionsByMimeType: Readonly<Record<AttachmentMimeType, readonly string[]>> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
  'text/plain': ['txt', 'text', 'md', 'log'],
  'text/csv': ['csv'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
}

/** Common aliases browsers and tools send for the canonical types. */
const aliases: Readonly<Record<string, AttachmentMimeType>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'application/x-pdf': 'application/pdf',
  'application/csv': 'text/csv',
}

/**
 * Lower-cases a media type, drops its parameters (`; charset=utf-8`) and maps common aliases
 * (`image/jpg` → `image/jpeg`).
 *
 * @param value - a Content-Type or declared MIME type
 */
export function normalizeMimeType(value: string): string {
  const bare = (value.split(';')[0] ?? '').trim().toLowerCase()
  return aliases[bare] ?? bare
}

/** True when `value` (already normalised) is one of {@link attachmentMimeTypes}. */
export function isAttachmentMimeType(value: string): value is AttachmentMimeType {
  return (attachmentMimeTypes as readonly string[]).includes(value)
}
