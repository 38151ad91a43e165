import { UnavailableError, ValidationError } from '../errors.js'
import { settle } from './deadline.js'
import { randomInteger, sha256Hex } from './hash.js'
import { storeOf, text } from './store.js'
import { backendOf, type KvBackend, type KvFailureEvent, report } from './types.js'

/** Options of {@link createCache}, besides the backend (`redis` or `kv`). */
export interface CacheOptions {
  /** Key prefix (default `tripsage:cache`). */
  prefix?: string
  /** Longest a backend call may take before it counts as failed (default 1000 ms). */
  timeoutMs?: number
  /** TTL when a call gives none (default 300 s). */
  defaultTtlSeconds?: number
  /** The longest TTL an entry may have (default 7 days); tag versions outlive it. */
  maxTtlSeconds?: number
  /** Told about reads that failed and were served as misses. */
  onFailure?: (event: KvFailureEvent) => void
}

/** Per-entry options of {@link Cache.set} and {@link Cache.getOrSet}. */
export interface CacheEntryOptions {
  /** Seconds until the entry expires (default: the cache's `defaultTtlSeconds`). */
  ttlSeconds?: number
  /** Tags of the entry: {@link Cache.bumpTag} on any of them (same tenant) invalidates it. */
  tags?: readonly string[]
}

/** Options of {@link Cache.get}. */
export interface CacheGetOptions {
  /** The entry's tags, when known: saves a second round trip to check their versions. */
  tags?: readonly string[]
}

/**
 * A JSON cache whose every key is scoped to a tenant (a user id, an org id): the tenant id is
 * hashed into the Redis key, so an entry cached for tenant A can never be read as tenant B.
 */
export interface Cache {
  /** The cached value, or `undefined` on a miss, an expired or invalidated entry, or a backend failure. */
  get<T = unknown>(tenant: string, key: string, options?: CacheGetOptions): Promise<T | undefined>
  /** Caches a JSON-serialisable value. Throws `unavailable` when the backend fails. */
  set(tenant: string, key: string, value: unknown, options?: CacheEntryOptions): Promise<void>
  /**
   * The cached value, or `load()`'s result, cached. Concurrent calls for the same tenant and key
   * in this process share one `load()` (single flight). A backend failure degrades to calling
   * `load()` uncached; an error from `load()` is passed through and nothing is cached, nor is an
   * `undefined` result.
   */
  getOrSet<T>(tenant: string, key: string, load: () => T | Promise<T>, options?: CacheEntryOptions): Promise<T>
  /** Removes one entry. Throws `unavailable` when the backend fails. */
  delete(tenant: string, key: string): Promise<void>
  /** Invalidates every entry of `tenant` tagged `tag`. Throws `unavailable` when the backend fails. */
  bumpTag(tenant: string, tag: string): Promise<void>
}

/** What an entry holds: the value and the versions its tags had when it was written. */
interface Envelope {
  /** Format marker: a value without it was not written by this cache. */
  tc: 1
  v: unknown
  t?: Record<string, string>
}

/**
 * Creates a tenant-scoped JSON cache over Upstash Redis (`redis`) or a {@link KvStore} (`kv`).
 *
 * Keys are `{prefix}:{sha256(tenant)}:e:{sha256(key)}`, so neither tenant ids nor keys (which
 * often hold search terms) appear in Redis. Tags are versioned per tenant: an entry records the
 * versions of its tags when it is written, and a read that sees a newer version is a miss.
 * Reads fail soft (a miss, reported to `onFailure`); writes and invalidations throw
 * `unavailable`, since a silently failed invalidation would serve stale data.
 *
 * @example
 * const cache = createCache({ redis })
 * const trips = await cache.getOrSet(userId, 'trips:list', () => me.trips.list(), { ttlSeconds: 120, tags: ['trips'] })
 * await cache.bumpTag(userId, 'trips') // after a write
 */
export function createCache(options: KvBackend & CacheOptions): Cache {
  const store = storeOf(backendOf(options, 'createCache'))
  const prefix = options.prefix ?? 'tripsage:cache'
  const timeoutMs = options.timeoutMs ?? 1000
  const maxTtlSeconds = options.maxTtlSeconds ?? 7 * 86_400
  const defaultTtlSeconds = options.defaultTtlSeconds ?? Math.min(300, maxTtlSeconds)
  // A tag version must outlive every entry that recorded the version before it (see bumpTag).
  const tagTtlMs = 2 * maxTtlSeconds * 1000
  const flights = new Map<string, Promise<unknown>>()

  // Inputs are checked before any backend call, so a bad input is never reported as a backend failure.
  const checkTenant = (tenant: string) => {
    if (typeof tenant !== 'string' || tenant.length === 0) {
      throw new ValidationError('A cache tenant must be a non-empty string (e.g. the user id)')
    }
  }
  const checkKey = (key: string) => {
    if (typeof key !== 'string' || key.length === 0) throw new ValidationError('A cache key must be a non-empty string')
  }
  const checkTags = (tags: readonly string[]) => {
    for (const tag of tags) {
      if (typeof tag !== 'string' || tag.length === 0)
        throw new ValidationError('A cache tag must be a non-empty string')
    }
  }
  const ttlMs = (ttlSeconds: number | undefined) => {
    const seconds = ttlSeconds ?? defaultTtlSeconds
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > maxTtlSeconds) {
      throw new ValidationError(`A cache TTL must be a whole number of seconds between 1 and ${maxTtlSeconds}`, {
        details: { ttlSeconds: seconds },
      })
    }
    return seconds * 1000
  }
  /** The value as JSON text; refuses what JSON cannot hold. */
  const serialize = (value: unknown): string => {
    if (value === undefined) throw new ValidationError('undefined cannot be cached; cache null instead')
    try {
      const json = JSON.stringify(value)
      if (json === undefined) throw new TypeError(`${typeof value} is not JSON`)
      return json
    } catch (error) {
      throw new ValidationError('The value is not JSON-serialisable', { cause: error })
    }
  }

  const tenantBase = async (tenant: string) => `${prefix}:${await sha256Hex(tenant)}`
  const entryKey = async (tenant: string, key: string) => `${await tenantBase(tenant)}:e:${await sha256Hex(key)}`
  const tagKeys = async (tenant: string, tags: readonly string[]) => {
    const base = await tenantBase(tenant)
    return Promise.all(tags.map(async (tag) => `${base}:t:${await sha256Hex(tag)}`))
  }
  /** The stored text of an entry (an {@link Envelope}) around already-serialised JSON. */
  const envelope = (valueJson: string, tags: readonly string[], versions: readonly string[]) => {
    const recorded =
      tags.length > 0 ? `,"t":${JSON.stringify(Object.fromEntries(tags.map((tag, i) => [tag, versions[i]!])))}` : ''
    return `{"tc":1,"v":${valueJson}${recorded}}`
  }
  // Plain JSON, so @upstash/redis's automatic deserialisation parses it once (and a client
  // without it hands back the string, parsed here).
  const decode = (raw: unknown): Envelope | undefined => {
    let value = raw
    if (typeof raw === 'string') {
      try {
        value = JSON.parse(raw)
      } catch {
        return undefined
      }
    }
    return typeof value === 'object' && value !== null && (value as Envelope).tc === 1 ? (value as Envelope) : undefined
  }
  /** A tag version as text: versions are integers, which a deserialising client returns as numbers. */
  const version = (raw: unknown) => text(raw) ?? ''
  const guarded = async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
    const outcome = await settle(work, timeoutMs)
    if (outcome.ok) return outcome.value
    throw new UnavailableError(`The cache backend failed during ${operation}`, {
      cause: outcome.error,
      details: { operation, reason: outcome.reason },
    })
  }

  /** Reads an entry and its tags' current versions; `hit` is false for a miss or a stale entry. */
  const read = async (
    tenant: string,
    key: string,
    tags: readonly string[],
  ): Promise<{ hit: boolean; value?: unknown; versions: string[] }> => {
    const [eKey, tKeys] = await Promise.all([entryKey(tenant, key), tagKeys(tenant, tags)])
    const [raw, ...rawVersions] = await store.mget([eKey, ...tKeys])
    const versions = rawVersions.map(version)
    const envelope = decode(raw)
    if (!envelope) return { hit: false, versions }
    const recorded = envelope.t ?? {}
    const known = new Map(tags.map((tag, i) => [tag, versions[i]!]))
    const unchecked = Object.keys(recorded).filter((tag) => !known.has(tag))
    if (unchecked.length > 0) {
      // Tagged when written but the caller did not say so: check those versions too.
      const current = await store.mget(await tagKeys(tenant, unchecked))
      for (const [i, tag] of unchecked.entries()) known.set(tag, version(current[i]))
    }
    const fresh = Object.entries(recorded).every(([tag, version]) => known.get(tag) === version)
    return fresh ? { hit: true, value: envelope.v, versions } : { hit: false, versions }
  }

  /** Checks tenant, key and entry options; returns the TTL in ms. */
  const validate = (tenant: string, key: string, entry: CacheEntryOptions | undefined) => {
    checkTenant(tenant)
    checkKey(key)
    checkTags(entry?.tags ?? [])
    return ttlMs(entry?.ttlSeconds)
  }

  return {
    async get<T>(tenant: string, key: string, getOptions?: CacheGetOptions) {
      validate(tenant, key, { tags: getOptions?.tags })
      const outcome = await settle(() => read(tenant, key, getOptions?.tags ?? []), timeoutMs)
      if (outcome.ok) return outcome.value.hit ? (outcome.value.value as T) : undefined
      report(options.onFailure, { component: 'cache', operation: 'get', reason: outcome.reason, error: outcome.error })
      return undefined
    },

    async set(tenant, key, value, entry) {
      const ms = validate(tenant, key, entry)
      const tags = entry?.tags ?? []
      const json = serialize(value)
      await guarded('set', async () => {
        const [eKey, tKeys] = await Promise.all([entryKey(tenant, key), tagKeys(tenant, tags)])
        const versions = tKeys.length > 0 ? (await store.mget(tKeys)).map(version) : []
        await store.set(eKey, envelope(json, tags, versions), ms)
      })
    },

    async getOrSet<T>(tenant: string, key: string, load: () => T | Promise<T>, entry?: CacheEntryOptions) {
      const ms = validate(tenant, key, entry)
      const tags = entry?.tags ?? []
      const flightKey = await entryKey(tenant, key)
      const inFlight = flights.get(flightKey)
      if (inFlight) return inFlight as Promise<T>
      const flight = (async () => {
        const cached = await settle(() => read(tenant, key, tags), timeoutMs)
        if (cached.ok && cached.value.hit) return cached.value.value as T
        if (!cached.ok) {
          report(options.onFailure, {
            component: 'cache',
            operation: 'getOrSet',
            reason: cached.reason,
            error: cached.error,
          })
        }
        const value = await load()
        // undefined (e.g. "not found") is returned but not cached: JSON cannot hold it.
        if (cached.ok && value !== undefined) {
          // The versions read *before* loading: a bump during the load makes this entry stale at once.
          const payload = envelope(serialize(value), tags, cached.value.versions)
          const written = await settle(() => store.set(flightKey, payload, ms), timeoutMs)
          if (!written.ok) {
            report(options.onFailure, {
              component: 'cache',
              operation: 'getOrSet',
              reason: written.reason,
              error: written.error,
            })
          }
        }
        return value
      })()
      flights.set(flightKey, flight)
      try {
        return await flight
      } finally {
        flights.delete(flightKey)
      }
    },

    async delete(tenant, key) {
      checkTenant(tenant)
      checkKey(key)
      await guarded('delete', async () => store.delete(await entryKey(tenant, key)))
    },

    async bumpTag(tenant, tag) {
      checkTenant(tenant)
      checkTags([tag])
      await guarded('bumpTag', async () => {
        const [tKey] = await tagKeys(tenant, [tag])
        // A fresh random version, never a counter: if the version key expires, no old entry can match again.
        await store.set(tKey!, String(randomInteger()), tagTtlMs)
      })
    },
  }
}
