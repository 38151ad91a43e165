import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TripSageError } from '../errors.js'
import { isSafeObjectKey } from '../storage/object-key.js'
import { attachmentMimeTypes, extensionsByMimeType } from './mime-types.js'
import { attachmentObjectPath, maxSafeFilenameLength, safeFilename } from './object-path.js'

const forbidden = ['..', '/', '\\', '\u0000', '?', '#', '%']

// Strings built to hit the dangerous cases: traversal, separators, encodings, controls, unicode.
const hostileName = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc
    .array(
      fc.constantFrom(
        '..',
        '.',
        '/',
        '\\',
        '\u0000',
        '?',
        '#',
        '%',
        '%2e%2e%2f',
        '%00',
        'C:',
        ' ',
        '\n',
        'é',
        '\u202e',
        'ｆｕｌｌ',
        'CON',
        'a',
        'report',
        'pdf',
        'html',
      ),
      { maxLength: 30 },
    )
    .map((parts) => parts.join('')),
)

describe('safeFilename', () => {
  it('never carries .., /, \\, NUL, ?, # or % into a path, and always yields a safe key segment', () => {
    fc.assert(
      fc.property(hostileName, fc.option(fc.constantFrom(...attachmentMimeTypes), { nil: undefined }), (name, mime) => {
        const safe = safeFilename(name, mime)
        for (const bad of forbidden) expect(safe.includes(bad)).toBe(false)
        expect(safe).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/)
        expect(safe.length).toBeGreaterThan(0)
        expect(safe.length).toBeLessThanOrEqual(maxSafeFilenameLength)
        expect(isSafeObjectKey(safe)).toBe(true)
        if (mime) expect(extensionsByMimeType[mime]).toContain(safe.split('.').at(-1))
      }),
      { numRuns: 2000 },
    )
  })

  it('is idempotent', () => {
    fc.assert(
      fc.property(hostileName, fc.constantFrom(...attachmentMimeTypes), (name, mime) => {
        const once = safeFilename(name, mime)
        expect(safeFilename(once, mime)).toBe(once)
      }),
      { numRuns: 1000 },
    )
  })

  it.each([
    ['../../etc/passwd', 'text/plain', 'passwd.txt'],
    ['C:\\fakepath\\Visa scan.PDF', 'application/pdf', 'Visa_scan.pdf'],
    ['Café au lait.png', 'image/png', 'Cafe_au_lait.png'],
    ['notes.html', 'text/plain', 'notes.html.txt'],
    ['a%2e%2e%2fb?x#y.pdf', 'application/pdf', 'a_2e_2e_2fb_x_y.pdf'],
    ['...', 'image/png', 'file.png'],
    ['CON.txt', 'text/plain', 'file-CON.txt'],
    ['photo.JPEG', 'image/jpeg', 'photo.jpeg'],
  ] as const)('%s as %s → %s', (name, mime, expected) => {
    expect(safeFilename(name, mime)).toBe(expected)
  })
})

describe('attachmentObjectPath', () => {
  const user = '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b'
  const attachment = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'

  it('is {userId}/{attachmentId}/{filename}', () => {
    expect(attachmentObjectPath(user, attachment, 'visa.pdf')).toBe(`${user}/${attachment}/visa.pdf`)
  })

  it('refuses anything but lower-case UUIDs and safe names, before any I/O', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (junk) => {
        for (const [u, a, f] of [
          [junk, attachment, 'x.pdf'],
          [user, junk, 'x.pdf'],
        ] as const) {
          if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(junk)) continue
          expect(() => attachmentObjectPath(u, a, f)).toThrow(TripSageError)
        }
        if (!isSafeObjectKey(junk) || junk.includes('/')) {
          expect(() => attachmentObjectPath(user, attachment, junk)).toThrow(
            expect.objectContaining({ code: 'validation' }),
          )
        }
      }),
      { numRuns: 1000 },
    )
  })
})

describe('isSafeObjectKey', () => {
  it('rejects .., /-edge cases, ?, #, %, NUL, backslashes, spaces and non-ASCII', () => {
    for (const key of [
      '',
      '/a',
      'a/',
      'a//b',
      '../a',
      'a/../b',
      'a/./b',
      'a/..b',
      'a?b',
      'a#b',
      'a%2fb',
      'a\u0000b',
      'a\\b',
      'a b',
      'é',
      '.hidden',
      'x'.repeat(1025),
    ]) {
      expect(isSafeObjectKey(key), JSON.stringify(key)).toBe(false)
    }
    expect(isSafeObjectKey('u/a/file.v2.pdf')).toBe(true)
  })

  it('accepts only keys made of the safe alphabet (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (key) => {
        if (isSafeObjectKey(key)) {
          expect(key).toMatch(/^[A-Za-z0-9._/-]+$/)
          expect(key.includes('..')).toBe(false)
          expect(key.startsWith('/')).toBe(false)
        }
      }),
      { numRuns: 2000 },
    )
  })
})
