import type { Redis } from '@upstash/redis'
import { ValidationError } from '../errors.js'

/**
 * The slice of an `@upstash/redis` client the rate limiter, cache and idempotency helpers use.
 * `@upstash/ratelimit` needs `evalsha`, `eval`, `get` and `set`; the cache adds `mget` and `del`.
 */
export type RedisLike = Pick<Redis, 'get' | 'set' | 'del' | 'mget' | 'eval' | 'evalsha'>

/** What one atomic {@link KvStore.update} call decides. */
export interface KvWrite<T> {
  /** What `update` resolves with. */
  result: T
  /** The new value; leave out to keep the current one (and its expiry). */
  set?: string
  /** Milliseconds until the new value expires; leave out for no expiry. Only with `set`. */
  ttlMs?: number
  /** Removes the key. */
  delete?: boolean
}

/**
 * A key-value port with expiring string values and one atomic read-modify-write primitive. The
 * embedded default is {@link memoryKv}; implement it over another store only if `update` is
 * atomic per key.
 */
export interface KvStore {
  /** The values of `keys` (in order), `null` where missing or expired. */
  mget(keys: readonly string[]): Promise<(string | null)[]>
  /**
   * Reads `key` and applies what `decide` returns, atomically: no other call sees or changes the
   * key in between. `decide` must be synchronous and must not throw.
   */
  update<T>(key: string, decide: (current: string | null, now: number) => KvWrite<T>): Promise<T>
  /** Deletes `key`; true when it existed. */
  delete(key: string): Promise<boolean>
  /** The store's clock, in epoch milliseconds. */
  now(): number
}

/** Where the helpers keep their state: Upstash Redis in production, a {@link KvStore} embedded. */
export type KvBackend =
  | {
      /** Upstash Redis (`new Redis({ url, token })`), or anything with the same commands. */
      redis: RedisLike
      /** Not with `redis`. */
      kv?: undefined
    }
  | {
      /** A {@link KvStore}, e.g. `memoryKv()` in embedded mode. */
      kv: KvStore
      /** Not with `kv`. */
      redis?: undefined
    }

type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd'

/** A window length: milliseconds, or a string such as `'60 s'`, `'10m'`, `'1 h'`, `'500 ms'`. */
export type Duration = number | `${number} ${DurationUnit}` | `${number}${DurationUnit}`

const unitMs: Record<DurationUnit, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Milliseconds in `duration`; throws `ValidationError` unless it is a whole, positive number of ms. */
export function durationMs(duration: Duration): number {
  let ms: number
  if (typeof duration === 'number') {
    ms = duration
  } else {
    const match = /^(\d+(?:\.\d+)?) ?(ms|s|m|h|d)$/.exec(duration)
    ms = match ? Number(match[1]) * unitMs[match[2] as DurationUnit] : Number.NaN
  }
  if (!Number.isInteger(ms) || ms < 1) {
    throw new ValidationError('A duration must be a whole number of milliseconds ≥ 1 (e.g. 60000 or "60 s")', {
      details: { duration: String(duration) },
    })
  }
  return ms
}

/** The backend a factory was given, checked at construction. */
export function backendOf(options: Partial<KvBackend>, factory: string): KvBackend {
  const { redis, kv } = options
  if ((redis === undefined) === (kv === undefined)) {
    throw new ValidationError(`${factory} needs exactly one of \`redis\` (an @upstash/redis client) or \`kv\``)
  }
  return redis ? { redis } : { kv: kv! }
}

/**
 * A backend call that failed or timed out and was absorbed by a helper's failure policy (a
 * fail-open limiter decision, a cache read served as a miss). The helpers never log: pass
 * `onFailure` to count or trace these. `error` may be a network error; it carries no cached values.
 */
export interface KvFailureEvent {
  /** Which helper absorbed the failure. */
  component: 'ratelimit' | 'cache'
  /** The helper method, e.g. `check`, `get`, `getOrSet`. */
  operation: string
  /** The rate-limit rule, for the limiter. */
  rule?: string
  /** `timeout` when the call outlived `timeoutMs`, `error` when it failed. */
  reason: 'timeout' | 'error'
  /** What was thrown (a timeout error for `timeout`); do not log it with request data. */
  error: unknown
}

/** Calls a user hook without letting it break the caller. */
export function report(hook: ((event: KvFailureEvent) => void) | undefined, event: KvFailureEvent): void {
  try {
    hook?.(event)
  } catch {
    // A failing telemetry hook must not change the decision.
  }
}
