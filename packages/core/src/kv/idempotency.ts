import { ConflictError, UnavailableError, ValidationError } from '../errors.js'
import { settle } from './deadline.js'
import { randomHex } from './hash.js'
import { storeOf, text } from './store.js'
import { backendOf, type KvBackend } from './types.js'

/** Options of {@link createIdempotency}, besides the backend (`redis` or `kv`). */
export interface IdempotencyOptions {
  /** Key prefix (default `tripsage:idempotency`). */
  prefix?: string
  /** Longest a backend call may take before it throws `unavailable` (default 1000 ms). */
  timeoutMs?: number
}

/** Where an idempotency key stands. */
export type IdempotencyStatus<T = unknown> =
  | {
      /** Nobody has claimed the key (or its claim expired). */
      state: 'absent'
    }
  | {
      /** A caller holds the key and is doing the work. */
      state: 'claimed'
    }
  | {
      /** The work finished; `result` is what `complete` stored. */
      state: 'completed'
      /** The stored result. */
      result: T
    }

/** The outcome of {@link Idempotency.claim}. */
export type IdempotencyClaim<T = unknown> =
  /** This caller holds the key: do the work, then `complete` (or `release` on failure). */
  | {
      /** True: this caller holds the key. */
      acquired: true
      /** Pass to `complete` / `release` so they act only while the claim is still this caller's. */
      token: string
    }
  /** Someone else holds the key or already finished: do not run the work again. */
  | {
      /** False: another caller holds the key. */
      acquired: false
      /** The work is in progress elsewhere. */
      state: 'claimed'
    }
  | {
      /** False: the work was already done. */
      acquired: false
      /** The work finished; `result` is what `complete` stored. */
      state: 'completed'
      /** The stored result. */
      result: T
    }

/** Options of {@link Idempotency.complete} and {@link Idempotency.release}. */
export interface ClaimTokenOptions {
  /**
   * The token `claim` returned. With it, the call only acts while this caller still holds the
   * claim (it may have expired and been taken by another worker); without it, it acts anyway.
   */
  token?: string
}

/** Exactly-once bookkeeping for retried work (job deliveries, client retries). */
export interface Idempotency {
  /** Claims `key` for `ttlSeconds` (SET NX): a claim whose holder crashed disappears after it. */
  claim<T = unknown>(key: string, ttlSeconds: number): Promise<IdempotencyClaim<T>>
  /**
   * Records the result of the work and keeps it for `ttlSeconds`. With `token`, throws `conflict`
   * when the claim is no longer this caller's.
   */
  complete(key: string, result: unknown, ttlSeconds: number, options?: ClaimTokenOptions): Promise<void>
  /** Gives up a claim so the work can be retried at once; false when there was nothing (of ours) to release. */
  release(key: string, options?: ClaimTokenOptions): Promise<boolean>
  /** Where `key` stands. */
  status<T = unknown>(key: string): Promise<IdempotencyStatus<T>>
}

const claimMarker = 'i1:c:'
const doneMarker = 'i1:d:'

/**
 * Creates idempotency helpers over Upstash Redis (`redis`) or a {@link KvStore} (`kv`).
 *
 * `claim` is one atomic `SET key … NX PX ttl GET`; `complete` and `release` with a token are
 * compare-and-set (a small Lua script on Redis). Every backend failure or timeout throws an
 * `unavailable` error — the safe answer for a job handler is to fail the delivery and be retried.
 *
 * @example
 * const idem = createIdempotency({ redis })
 * const claim = await idem.claim(`memory-sync:${messageId}`, 300)
 * if (!claim.acquired) return claim.state === 'completed' ? claim.result : retryLater()
 * try { await idem.complete(key, await work(), 86_400, { token: claim.token }) }
 * catch (e) { await idem.release(key, { token: claim.token }); throw e }
 */
export function createIdempotency(options: KvBackend & IdempotencyOptions): Idempotency {
  const store = storeOf(backendOf(options, 'createIdempotency'))
  const prefix = options.prefix ?? 'tripsage:idempotency'
  const timeoutMs = options.timeoutMs ?? 1000

  const keyOf = (key: string) => {
    if (typeof key !== 'string' || key.length === 0 || key.length > 512) {
      throw new ValidationError('An idempotency key must be a string of 1 to 512 characters')
    }
    return `${prefix}:${key}`
  }
  const ttlMs = (ttlSeconds: number) => {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
      throw new ValidationError('An idempotency TTL must be a whole number of seconds ≥ 1', { details: { ttlSeconds } })
    }
    return ttlSeconds * 1000
  }
  const done = (result: unknown) => {
    try {
      return doneMarker + JSON.stringify({ r: result })
    } catch (error) {
      throw new ValidationError('An idempotent result must be JSON-serialisable', { cause: error })
    }
  }
  const parse = <T>(raw: string | null): IdempotencyStatus<T> => {
    if (raw === null) return { state: 'absent' }
    if (raw.startsWith(doneMarker)) {
      try {
        return { state: 'completed', result: (JSON.parse(raw.slice(doneMarker.length)) as { r: T }).r }
      } catch {
        // A value we did not write: treat the key as held rather than run the work twice.
      }
    }
    return { state: 'claimed' }
  }
  const guarded = async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
    const outcome = await settle(work, timeoutMs)
    if (outcome.ok) return outcome.value
    throw new UnavailableError(`The idempotency backend failed during ${operation}`, {
      cause: outcome.error,
      details: { operation, reason: outcome.reason },
    })
  }

  return {
    async claim<T>(key: string, ttlSeconds: number): Promise<IdempotencyClaim<T>> {
      const full = keyOf(key)
      const ms = ttlMs(ttlSeconds)
      const token = randomHex(16)
      const held = await guarded('claim', () => store.setIfAbsent(full, claimMarker + token, ms))
      if (held === null) return { acquired: true, token }
      const status = parse<T>(held)
      return status.state === 'completed'
        ? { acquired: false, state: 'completed', result: status.result }
        : { acquired: false, state: 'claimed' }
    },

    async complete(key, result, ttlSeconds, tokenOptions) {
      const full = keyOf(key)
      const ms = ttlMs(ttlSeconds)
      const value = done(result)
      const token = tokenOptions?.token
      if (token === undefined) {
        await guarded('complete', () => store.set(full, value, ms))
        return
      }
      const changed = await guarded('complete', () => store.compareAndSet(full, claimMarker + token, value, ms))
      if (!changed) throw new ConflictError('The idempotency claim expired or is held by another worker')
    },

    async release(key, tokenOptions) {
      const full = keyOf(key)
      const token = tokenOptions?.token
      if (token === undefined) {
        return guarded('release', () => store.delete(full))
      }
      return guarded('release', () => store.compareAndSet(full, claimMarker + token, null, 1))
    },

    async status<T>(key: string) {
      const full = keyOf(key)
      const [raw] = await guarded('status', () => store.mget([full]))
      return parse<T>(text(raw))
    },
  }
}
