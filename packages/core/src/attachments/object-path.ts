import { ValidationError } from '../errors.js'
import { assertSafeObjectKey } from '../storage/object-key.js'
import { type AttachmentMimeType, extensionsByMimeType } from './mime-types.js'

/** The longest safe file name produced (the object key adds two UUIDs and two slashes). */
export const maxSafeFilenameLength = 100

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Device names Windows refuses as file names, whatever the extension. */
const reservedNames = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i

/**
 * Turns whatever name a user uploaded into a file name that is safe in an object key, a URL and a
 * file system: only `[A-Za-z0-9._-]`, starting with a letter or digit, no `..`, at most
 * {@link maxSafeFilenameLength} characters. Accents are folded (`Café.pdf` → `Cafe.pdf`), directories
 * dropped (`C:\\fakepath\\a.png` → `a.png`), anything else becomes `_`. When `mimeType` is given
 * and the extension does not fit it, the type's extension is appended (`notes.html` as
 * `text/plain` → `notes.html.txt`). The result never carries `/`, `\`, NUL, `?`, `#` or `%`.
 *
 * @param original - the user's file name (any string)
 * @param mimeType - the declared type, to fix up the extension
 */
export function safeFilename(original: string, mimeType?: AttachmentMimeType): string {
  const base = String(original).split(/[/\\]/).at(-1) ?? ''
  let name = base
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/[._-]+$/, '')

  const dot = name.lastIndexOf('.')
  let stem = dot > 0 ? name.slice(0, dot) : name
  let extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
  if (!/^[a-z0-9]{1,10}$/.test(extension)) {
    stem = name
    extension = ''
  }
  if (mimeType) {
    const fitting = extensionsByMimeType[mimeType]
    if (!fitting.includes(extension)) {
      if (extension) stem = `${stem}.${extension}`
      extension = fitting[0] ?? ''
    }
  }
  stem = stem.replace(/[._-]+$/, '')
  if (!stem || reservedNames.test(stem.split('.')[0] ?? '')) stem = stem ? `file-${stem}` : 'file'
  const suffix = extension ? `.${extension}` : ''
  stem = stem.slice(0, maxSafeFilenameLength - suffix.length).replace(/[._-]+$/, '') || 'file'
  name = `${stem}${suffix}`
  return name
}

/**
 * The object key of an attachment: `{userId}/{attachmentId}/{filename}`. Both ids must be
 * lower-case UUIDs and the name a {@link safeFilename}; anything else is a `validation` error
 * before any I/O, so a key is never built from user text.
 *
 * @param userId - the owner's id (the first folder, which the `storage.objects` policies check)
 * @param attachmentId - the attachment row's id
 * @param filename - a name from {@link safeFilename}
 */
export function attachmentObjectPath(userId: string, attachmentId: string, filename: string): string {
  if (!uuidPattern.test(userId) || !uuidPattern.test(attachmentId)) {
    throw new ValidationError('Invalid attachment path', {
      details: { issues: [{ path: 'path', message: 'object keys are built from lower-case UUIDs only' }] },
    })
  }
  const key = `${userId}/${attachmentId}/${filename}`
  assertSafeObjectKey(key)
  return key
}
