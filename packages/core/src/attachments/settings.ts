import { parseInput } from '../validation.js'
import type { AttachmentsPorts } from './ports.js'
import { AttachmentsOptions, type AttachmentsSettings } from './schema.js'

const cache = new WeakMap<object, AttachmentsSettings>()

/**
 * The attachment settings of a `createTripSage` call, parsed once (a `validation` error names the
 * bad option). `defaultSignedUrlTtl` is capped at `maxSignedUrlTtl`.
 *
 * @param ports - the options passed to `createTripSage`
 */
export function attachmentSettings(ports: AttachmentsPorts): AttachmentsSettings {
  const cached = cache.get(ports)
  if (cached) return cached
  const parsed = parseInput(AttachmentsOptions, ports.attachments ?? {}, 'attachments options')
  const settings = { ...parsed, defaultSignedUrlTtl: Math.min(parsed.defaultSignedUrlTtl, parsed.maxSignedUrlTtl) }
  cache.set(ports, settings)
  return settings
}
