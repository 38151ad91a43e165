import type { Duration } from './types.js'

/** How a rule counts requests. */
export type RateLimitAlgorithm = 'sliding-window' | 'fixed-window' | 'token-bucket'

/**
 * What a rule decides when Redis fails or outlives the limiter's `timeoutMs`: `closed` denies
 * (`reason: 'timeout' | 'unavailable'`, `enforce` throws `unavailable`); `open` allows and reports
 * the same reason.
 */
export type FailureMode = 'closed' | 'open'

/** One named limit. */
export interface RateLimitRule {
  /** Requests allowed per window (for a token bucket: the bucket size). */
  limit: number
  /** The window (for a token bucket: the refill interval), e.g. `'60 s'`. */
  window: Duration
  /** Default `sliding-window`. */
  algorithm?: RateLimitAlgorithm
  /** Token bucket only: tokens added per window (default `limit`). */
  refillRate?: number
  /** Default `closed`. */
  failureMode?: FailureMode
}

/** Types one default entry as a {@link RateLimitRule}: the object is kept exactly as written. */
const rule = (definition: RateLimitRule): Readonly<RateLimitRule> => definition

/**
 * The limits of the SDK's own operations, per user (or per IP when there is no user), per
 * minute. Cost-bearing and security-sensitive operations (embeddings, uploads, key changes,
 * writes, jobs) fail closed; plain reads fail open. Override any of them through
 * `createRateLimiter({ rules })`, or leave them out with `defaults: false`.
 */
export const defaultRateLimitRules = Object.freeze({
  /** Embeds the query: costs provider tokens. */
  'memory.search': rule({ limit: 60, window: '60 s', failureMode: 'closed' }),
  /** Embeds and stores content. */
  'memory.add': rule({ limit: 30, window: '60 s', failureMode: 'closed' }),
  /** Deletes memories (single, bulk or all). */
  'memory.delete': rule({ limit: 10, window: '60 s', failureMode: 'closed' }),
  /** BYOK key set/rotate/remove: security-sensitive. */
  'keys.change': rule({ limit: 10, window: '60 s', failureMode: 'closed' }),
  /** Probes a provider with the user's key. */
  'keys.validate': rule({ limit: 20, window: '60 s', failureMode: 'closed' }),
  /** Storage writes. */
  'attachments.upload': rule({ limit: 20, window: '60 s', failureMode: 'closed' }),
  /** Creates trips. */
  'trips.create': rule({ limit: 30, window: '60 s', failureMode: 'closed' }),
  /** Deletes trips with everything in them. */
  'trips.delete': rule({ limit: 10, window: '60 s', failureMode: 'closed' }),
  /** Adds collaborators: limits invitation spam. */
  'collaborators.invite': rule({ limit: 10, window: '60 s', failureMode: 'closed' }),
  /** Usually followed by a model call. */
  'chat.append': rule({ limit: 40, window: '60 s', failureMode: 'closed' }),
  /** Reads: better served than refused while Redis is down. */
  'chat.history': rule({ limit: 120, window: '60 s', failureMode: 'open' }),
  /** Trip reads and lists. */
  'trips.read': rule({ limit: 300, window: '60 s', failureMode: 'open' }),
  /** QStash memory-sync deliveries; a closed decision is a 503, which QStash retries. */
  'jobs.memorySync': rule({ limit: 60, window: '60 s', failureMode: 'closed' }),
} as const satisfies Record<string, RateLimitRule>)

/** The names of {@link defaultRateLimitRules}. */
export type DefaultRateLimitRuleName = keyof typeof defaultRateLimitRules
