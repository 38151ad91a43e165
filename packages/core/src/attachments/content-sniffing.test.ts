import { describe, expect, it } from 'vitest'
import { contentMatchesMimeType, sniffContent } from './content-sniffing.js'
import type { AttachmentMimeType } from './mime-types.js'
import { samples } from './samples.test-support.js'

describe('sniffContent', () => {
  it.each([
    ['png', 'png'],
    ['jpeg', 'jpeg'],
    ['gif', 'gif'],
    ['webp', 'webp'],
    ['pdf', 'pdf'],
    ['docx', 'zip'],
    ['text', 'text'],
    ['binary', 'unknown'],
  ] as const)('%s → %s', (sample, kind) => {
    expect(sniffContent(samples[sample])).toBe(kind)
  })

  it('accepts a UTF-8 character cut off at the end of the sample', () => {
    const full = new TextEncoder().encode('résumé — ok')
    expect(sniffContent(full.subarray(0, full.length - 2))).toBe('text')
  })
})

describe('contentMatchesMimeType', () => {
  const cases: [AttachmentMimeType, keyof typeof samples, boolean][] = [
    ['image/png', 'png', true],
    ['application/pdf', 'png', false], // a PNG declared as PDF
    ['image/png', 'pdf', false],
    ['image/jpeg', 'jpeg', true],
    ['image/gif', 'gif', true],
    ['image/webp', 'webp', true],
    ['application/pdf', 'pdf', true],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx', true],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'zip', false],
    ['text/plain', 'text', true],
    ['text/csv', 'csv', true],
    ['text/plain', 'html', false],
    ['text/plain', 'svg', false],
    ['text/plain', 'binary', false],
    ['text/plain', 'png', false],
    ['text/csv', 'exe', false],
    ['image/png', 'exe', false],
  ]
  it.each(cases)('%s with %s bytes → %s', (mime, sample, expected) => {
    expect(contentMatchesMimeType(mime, samples[sample])).toBe(expected)
  })
})
