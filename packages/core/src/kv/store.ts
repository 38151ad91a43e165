import type { KvBackend, KvStore, RedisLike } from './types.js'

/**
 * The few string operations the cache and idempotency helpers need, with the same meaning on
 * Redis and on a {@link KvStore}. `mget` hands values back as delivered: a `@upstash/redis`
 * client with automatic deserialisation (the default) has already parsed JSON values, a
 * {@link KvStore} returns strings — callers decode both (see {@link text}).
 */
export interface Store {
  mget(keys: readonly string[]): Promise<unknown[]>
  set(key: string, value: string, ttlMs: number): Promise<void>
  /** Writes when the key is absent and resolves `null`; otherwise changes nothing and resolves the current value. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<string | null>
  /** Replaces the value (or deletes it, for `null`) only while it still equals `expected`. */
  compareAndSet(key: string, expected: string, next: string | null, ttlMs: number): Promise<boolean>
  /** True when the key existed. */
  delete(key: string): Promise<boolean>
}

const compareAndSetScript = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1`

/** A value as text, whichever way the client delivered it (`null` when missing). */
export const text = (value: unknown): string | null =>
  value === null || value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value)

function redisStore(redis: RedisLike): Store {
  return {
    mget: (keys) => redis.mget<unknown[]>(...keys),
    async set(key, value, ttlMs) {
      await redis.set(key, value, { px: ttlMs })
    },
    async setIfAbsent(key, value, ttlMs) {
      // SET NX GET (Redis ≥ 7): one atomic round trip that also tells who holds the key.
      return text(await redis.set(key, value, { nx: true, px: ttlMs, get: true }))
    },
    async compareAndSet(key, expected, next, ttlMs) {
      const changed = await redis.eval(compareAndSetScript, [key], [expected, next ?? '', String(ttlMs)])
      return Number(changed) === 1
    },
    async delete(key) {
      return (await redis.del(key)) > 0
    },
  }
}

function kvStore(kv: KvStore): Store {
  return {
    mget: (keys) => kv.mget(keys),
    set: (key, value, ttlMs) => kv.update(key, () => ({ result: undefined, set: value, ttlMs })),
    setIfAbsent: (key, value, ttlMs) =>
      kv.update(key, (current) => (current === null ? { result: null, set: value, ttlMs } : { result: current })),
    compareAndSet: (key, expected, next, ttlMs) =>
      kv.update(key, (current) => {
        if (current !== expected) return { result: false }
        return next === null ? { result: true, delete: true } : { result: true, set: next, ttlMs }
      }),
    delete: (key) => kv.delete(key),
  }
}

/** The {@link Store} over whichever backend was configured. */
export function storeOf(backend: KvBackend): Store {
  return backend.redis ? redisStore(backend.redis) : kvStore(backend.kv)
}
