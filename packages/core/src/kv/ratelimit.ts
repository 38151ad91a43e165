import { Ratelimit } from '@upstash/ratelimit'
import { z } from 'zod'
import { RateLimitedError, UnavailableError, ValidationError } from '../errors.js'
import { settle } from './deadline.js'
import {
  type DefaultRateLimitRuleName,
  defaultRateLimitRules,
  type FailureMode,
  type RateLimitAlgorithm,
  type RateLimitRule,
} from './default-rules.js'
import { sha256Hex } from './hash.js'
import {
  backendOf,
  durationMs,
  type KvBackend,
  type KvFailureEvent,
  type KvStore,
  type KvWrite,
  type RedisLike,
  report,
} from './types.js'

/**
 * Why a decision came out as it did: `allowed` / `limited` by the counter, or `timeout` /
 * `unavailable` when Redis was slower than `timeoutMs` or failed and the rule's failure mode
 * decided (`success` is then true for `open`, false for `closed`).
 */
export type RateLimitReason = 'allowed' | 'limited' | 'timeout' | 'unavailable'

/** One rate-limit decision. */
export interface RateLimitResult {
  /** Whether the request may proceed. */
  success: boolean
  /** The rule's limit. */
  limit: number
  /** Requests left in the current window (0 when denied or when Redis could not be asked). */
  remaining: number
  /** When the window resets, in epoch ms (0 when Redis could not be asked). */
  reset: number
  /** Why: allowed, limited, or the backend trouble a fail-open or fail-closed rule decided on. */
  reason: RateLimitReason
}

/**
 * Who is limited: a user id (a plain string), or `{ userId, ip }` — the user when there is one,
 * else the client IP. Only a SHA-256 of it reaches Redis (`user:{sha256}` / `ip:{sha256}`).
 */
export type RateLimitSubject =
  | string
  | {
      /** The signed-in user's id; wins over `ip` when set. */
      userId?: string | null
      /** The client IP, used when there is no user. */
      ip?: string | null
    }

/** A rule after defaults were applied and its window parsed. */
export interface ResolvedRateLimitRule {
  /** Requests allowed per window (token bucket: the bucket size). */
  limit: number
  /** The window in milliseconds (token bucket: the refill interval). */
  windowMs: number
  /** How requests are counted. */
  algorithm: RateLimitAlgorithm
  /** Token bucket: tokens added per window (`limit` unless set). */
  refillRate: number
  /** What the rule decides when the backend fails or times out. */
  failureMode: FailureMode
}

/** Rules keyed by name; a rule that overrides a default may give only the fields it changes. */
export type RateLimitRuleInputs<R> = {
  [K in keyof R]: K extends DefaultRateLimitRuleName ? Partial<RateLimitRule> : RateLimitRule
}

/** Options of {@link createRateLimiter}, besides the backend (`redis` or `kv`). */
export interface RateLimiterOptions<R> {
  /** Rules by name, merged over {@link defaultRateLimitRules} (field by field for a default name). */
  rules?: R
  /** Include {@link defaultRateLimitRules} (default true). */
  defaults?: boolean
  /** Key prefix (default `tripsage:ratelimit`); keys are `{prefix}:{rule}:{user|ip}:{sha256}…`. */
  prefix?: string
  /** Longest Redis may take before the rule's failure mode decides (default 1000 ms). */
  timeoutMs?: number
  /**
   * Redis only: remember denied identifiers in this process until their window resets and deny
   * them without a round trip (`@upstash/ratelimit`'s ephemeral cache). Saves Redis calls under a
   * flood, but a sliding window then stays closed until the window ends (default false).
   */
  ephemeralCache?: boolean
  /** Told about every decision that Redis failure or timeout made (fail open or closed). */
  onFailure?: (event: KvFailureEvent) => void
}

/** Named rate limits for one backend. */
export interface RateLimiter<Name extends string = string> {
  /** The resolved rules. */
  readonly rules: Readonly<Record<Name, ResolvedRateLimitRule>>
  /** Counts one request against `rule` for `subject` and returns the decision. Never throws for Redis trouble. */
  check(rule: Name, subject: RateLimitSubject): Promise<RateLimitResult>
  /**
   * Like {@link RateLimiter.check}, but throws a `rate_limited` `RateLimitedError` when the limit
   * is hit (`details.reset`, `details.retryAfterSeconds`) and an `unavailable` `UnavailableError`
   * when the rule fails closed.
   */
  enforce(rule: Name, subject: RateLimitSubject): Promise<RateLimitResult>
}

const ruleSchema = z.strictObject({
  limit: z.number().int().positive(),
  window: z.union([z.number(), z.string()]),
  algorithm: z.enum(['sliding-window', 'fixed-window', 'token-bucket']).optional(),
  refillRate: z.number().int().positive().optional(),
  failureMode: z.enum(['closed', 'open']).optional(),
})

type Decision = Pick<RateLimitResult, 'success' | 'remaining' | 'reset'>

/**
 * Creates named rate limits over Upstash Redis (`redis`, through the real `@upstash/ratelimit`
 * and its Lua scripts) or a {@link KvStore} (`kv`, e.g. {@link memoryKv}, with the same
 * algorithms). Rules default to a sliding window; {@link defaultRateLimitRules} are included
 * unless `defaults: false`. Each rule fails `closed` (deny) or `open` (allow) when Redis errors
 * or outlives `timeoutMs`, so a decision always comes back within `timeoutMs`.
 *
 * @example
 * const limiter = createRateLimiter({ redis, rules: { 'trips.create': { limit: 10 } } })
 * const { success, remaining, reset } = await limiter.check('trips.create', userId)
 * await limiter.enforce('memory.search', { userId, ip }) // throws RateLimitedError / UnavailableError
 */
export function createRateLimiter<const R extends RateLimitRuleInputs<R> = Record<never, never>>(
  options: KvBackend & RateLimiterOptions<R> & { defaults?: true },
): RateLimiter<DefaultRateLimitRuleName | Extract<keyof R, string>>
export function createRateLimiter<const R extends RateLimitRuleInputs<R>>(
  options: KvBackend & RateLimiterOptions<R> & { defaults: false },
): RateLimiter<Extract<keyof R, string>>
export function createRateLimiter(
  options: KvBackend & RateLimiterOptions<Record<string, Partial<RateLimitRule>>>,
): RateLimiter {
  const backend = backendOf(options, 'createRateLimiter')
  const prefix = options.prefix ?? 'tripsage:ratelimit'
  const timeoutMs = options.timeoutMs ?? 1000
  const rules = resolveRules(options.defaults === false ? {} : defaultRateLimitRules, options.rules ?? {})
  // The clock the windows are counted on: the store's for a KvStore, Date.now for @upstash/ratelimit.
  const now = backend.redis ? () => Date.now() : () => backend.kv.now()
  const backendCheck = backend.redis
    ? redisChecks(backend.redis, rules, prefix, options.ephemeralCache ?? false)
    : kvChecks(backend.kv, rules, prefix)

  const check = async (name: string, subject: RateLimitSubject): Promise<RateLimitResult> => {
    const rule = Object.hasOwn(rules, name) ? rules[name] : undefined
    if (!rule) throw new ValidationError('Unknown rate-limit rule', { details: { rule: String(name) } })
    const identifier = await identify(subject)
    const outcome = await settle(() => backendCheck(name, identifier), timeoutMs)
    if (outcome.ok) {
      const { success, remaining, reset } = outcome.value
      return { success, limit: rule.limit, remaining, reset, reason: success ? 'allowed' : 'limited' }
    }
    report(options.onFailure, {
      component: 'ratelimit',
      operation: 'check',
      rule: name,
      reason: outcome.reason,
      error: outcome.error,
    })
    return {
      success: rule.failureMode === 'open',
      limit: rule.limit,
      remaining: 0,
      reset: 0,
      reason: outcome.reason === 'timeout' ? 'timeout' : 'unavailable',
    }
  }

  return {
    rules,
    check,
    async enforce(name, subject) {
      const result = await check(name, subject)
      if (result.success) return result
      if (result.reason === 'limited') {
        const retryAfterSeconds = Math.max(1, Math.ceil((result.reset - now()) / 1000))
        throw new RateLimitedError(`Rate limit of "${name}" exceeded`, {
          details: { rule: name, limit: result.limit, reset: result.reset, retryAfterSeconds },
        })
      }
      throw new UnavailableError(`Rate limiter for "${name}" is unavailable and the rule fails closed`, {
        details: { rule: name, reason: result.reason },
      })
    },
  }
}

function resolveRules(
  defaults: Readonly<Record<string, RateLimitRule>>,
  overrides: Readonly<Record<string, Partial<RateLimitRule>>>,
): Record<string, ResolvedRateLimitRule> {
  const resolved: Record<string, ResolvedRateLimitRule> = {}
  for (const name of new Set([...Object.keys(defaults), ...Object.keys(overrides)])) {
    if (!/^[A-Za-z0-9][\w.:-]{0,99}$/.test(name)) {
      throw new ValidationError('A rate-limit rule name must be 1–100 characters of letters, digits, . _ : -', {
        details: { rule: name },
      })
    }
    const parsed = ruleSchema.safeParse({ ...defaults[name], ...overrides[name] })
    if (!parsed.success) {
      throw new ValidationError(`Invalid rate-limit rule "${name}"`, {
        details: {
          rule: name,
          issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
      })
    }
    const rule = parsed.data
    resolved[name] = Object.freeze({
      limit: rule.limit,
      windowMs: durationMs(rule.window as RateLimitRule['window']),
      algorithm: rule.algorithm ?? 'sliding-window',
      refillRate: rule.refillRate ?? rule.limit,
      failureMode: rule.failureMode ?? 'closed',
    })
  }
  return Object.freeze(resolved)
}

async function identify(subject: RateLimitSubject): Promise<string> {
  const userId = typeof subject === 'string' ? subject : subject?.userId
  if (typeof userId === 'string' && userId.length > 0) return `user:${await sha256Hex(userId)}`
  const ip = typeof subject === 'object' && subject !== null ? subject.ip : undefined
  if (typeof ip === 'string' && ip.length > 0) return `ip:${await sha256Hex(ip)}`
  throw new ValidationError('A rate-limit subject needs a user id or an IP address')
}

type BackendCheck = (rule: string, identifier: string) => Promise<Decision>

function redisChecks(
  redis: RedisLike,
  rules: Record<string, ResolvedRateLimitRule>,
  prefix: string,
  ephemeralCache: boolean,
): BackendCheck {
  const limiters = new Map<string, Ratelimit>()
  for (const [name, rule] of Object.entries(rules)) {
    const window = `${rule.windowMs} ms` as const
    const limiter =
      rule.algorithm === 'fixed-window'
        ? Ratelimit.fixedWindow(rule.limit, window)
        : rule.algorithm === 'token-bucket'
          ? Ratelimit.tokenBucket(rule.refillRate, window, rule.limit)
          : Ratelimit.slidingWindow(rule.limit, window)
    limiters.set(
      name,
      new Ratelimit({
        redis,
        limiter,
        prefix: `${prefix}:${name}`,
        // Our own deadline applies the rule's failure mode; Ratelimit's would always fail open.
        timeout: 0,
        ephemeralCache: ephemeralCache ? new Map() : false,
        analytics: false,
        enableTelemetry: false,
      }),
    )
  }
  return async (name, identifier) => {
    const { success, remaining, reset } = await limiters.get(name)!.limit(identifier)
    return { success, remaining, reset }
  }
}

function kvChecks(kv: KvStore, rules: Record<string, ResolvedRateLimitRule>, prefix: string): BackendCheck {
  return (name, identifier) => {
    const rule = rules[name]!
    const decide = algorithms[rule.algorithm]
    return kv.update(`${prefix}:${name}:${identifier}`, (current, now) => decide(rule, parseState(current), now))
  }
}

function parseState(raw: string | null): Record<string, number> | undefined {
  if (raw === null) return undefined
  try {
    return JSON.parse(raw) as Record<string, number>
  } catch {
    return undefined
  }
}

// The same arithmetic as @upstash/ratelimit's single-region Lua scripts, so the embedded limiter
// decides exactly as Redis would for the same clock (the shared contract suite checks this).
const algorithms: Record<
  RateLimitAlgorithm,
  (rule: ResolvedRateLimitRule, state: Record<string, number> | undefined, now: number) => KvWrite<Decision>
> = {
  'sliding-window'({ limit, windowMs }, state, now) {
    const window = Math.floor(now / windowMs)
    const reset = (window + 1) * windowMs
    let current = 0
    let previous = 0
    if (state?.w === window) {
      current = state.c ?? 0
      previous = state.p ?? 0
    } else if (state?.w === window - 1) {
      previous = state.c ?? 0
    }
    const weighted = Math.floor((1 - (now % windowMs) / windowMs) * previous)
    if (weighted + current >= limit) return { result: { success: false, remaining: 0, reset } }
    current += 1
    return {
      result: { success: true, remaining: Math.max(0, limit - (current + weighted)), reset },
      set: JSON.stringify({ w: window, c: current, p: previous }),
      ttlMs: windowMs * 2 + 1000,
    }
  },
  'fixed-window'({ limit, windowMs }, state, now) {
    const window = Math.floor(now / windowMs)
    const reset = (window + 1) * windowMs
    const count = (state?.w === window ? (state.c ?? 0) : 0) + 1
    return {
      result: { success: count <= limit, remaining: Math.max(0, limit - count), reset },
      set: JSON.stringify({ w: window, c: count }),
      ttlMs: reset - now,
    }
  },
  'token-bucket'({ limit, windowMs, refillRate }, state, now) {
    let refilledAt = state?.r ?? now
    let tokens = state?.t ?? limit
    if (now >= refilledAt + windowMs) {
      const refills = Math.floor((now - refilledAt) / windowMs)
      tokens = Math.min(limit, tokens + refills * refillRate)
      refilledAt += refills * windowMs
    }
    const reset = refilledAt + windowMs
    if (tokens < 1) return { result: { success: false, remaining: 0, reset } }
    const remaining = tokens - 1
    return {
      result: { success: true, remaining, reset },
      set: JSON.stringify({ r: refilledAt, t: remaining }),
      ttlMs: Math.ceil((limit - remaining) / refillRate) * windowMs,
    }
  },
}
