import type { RateLimitRule } from '@tripsage/core'

/**
 * The API's own rules, next to the SDK's defaults (`trips.read`, `trips.create`, `chat.append`,
 * `memory.add`, `memory.search`, `jobs.memorySync`…).
 * Every route names one; requests are counted per user, or per IP without one.
 */
export const apiRateLimitRules = {
  /** Health and the OpenAPI document. */
  'api.public': { limit: 300, window: '60 s', failureMode: 'open' },
  /** Embedded-mode dev sign-up. */
  'api.devUsers': { limit: 20, window: '60 s', failureMode: 'closed' },
  /** Chat session creation, listing and ending. */
  'chat.sessions': { limit: 60, window: '60 s', failureMode: 'closed' },
  /** Signed download URLs and attachment listings. */
  'attachments.read': { limit: 120, window: '60 s', failureMode: 'open' },
  /** Signed-URL uploads and downloads served by this API (embedded storage). */
  'storage.serve': { limit: 120, window: '60 s', failureMode: 'closed' },
} satisfies Record<string, RateLimitRule>
