import type { KvStore, KvWrite } from './types.js'

/** Options of {@link memoryKv}. */
export interface MemoryKvOptions {
  /** The clock in epoch milliseconds (default `Date.now`); inject one to test expiry and windows. */
  now?: () => number
}

/** The in-memory {@link KvStore}: one process, no persistence. */
export interface MemoryKv extends KvStore {
  /** The value of `key`, `null` when missing or expired. */
  get(key: string): Promise<string | null>
  /** How many keys are live right now. */
  readonly size: number
  /** Removes every key. */
  clear(): void
}

interface Entry {
  value: string
  expiresAt: number | null
}

/**
 * The embedded default for rate limits, caches and idempotency keys: a `Map` with per-key expiry.
 * Every operation completes synchronously inside its promise, so `update` is atomic. Expired keys
 * are dropped when touched and by an amortised sweep, so the map does not grow without bound.
 * State is per process: behind several instances, use Upstash Redis instead.
 *
 * @example
 * const kv = memoryKv()
 * const limiter = createRateLimiter({ kv })
 */
export function memoryKv(options: MemoryKvOptions = {}): MemoryKv {
  const now = options.now ?? Date.now
  const entries = new Map<string, Entry>()
  let touches = 0

  const live = (key: string, at: number): Entry | undefined => {
    const entry = entries.get(key)
    if (entry && entry.expiresAt !== null && entry.expiresAt <= at) {
      entries.delete(key)
      return undefined
    }
    return entry
  }

  const sweep = (at: number) => {
    if (++touches < Math.max(1024, entries.size)) return
    touches = 0
    for (const [key, entry] of entries) if (entry.expiresAt !== null && entry.expiresAt <= at) entries.delete(key)
  }

  const run = <T>(work: () => T): Promise<T> => {
    try {
      return Promise.resolve(work())
    } catch (error) {
      return Promise.reject(error)
    }
  }

  return {
    now: () => now(),
    get: (key) => run(() => live(key, now())?.value ?? null),
    mget: (keys) =>
      run(() => {
        const at = now()
        return keys.map((key) => live(key, at)?.value ?? null)
      }),
    update: <T>(key: string, decide: (current: string | null, now: number) => KvWrite<T>) =>
      run(() => {
        const at = now()
        const write = decide(live(key, at)?.value ?? null, at)
        if (write.delete) {
          entries.delete(key)
        } else if (write.set !== undefined) {
          entries.set(key, { value: write.set, expiresAt: write.ttlMs === undefined ? null : at + write.ttlMs })
        }
        sweep(at)
        return write.result
      }),
    delete: (key) => run(() => live(key, now()) !== undefined && entries.delete(key)),
    get size() {
      const at = now()
      let count = 0
      for (const key of [...entries.keys()]) if (live(key, at)) count++
      return count
    },
    clear: () => entries.clear(),
  }
}
