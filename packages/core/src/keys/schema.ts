import { z } from 'zod'

/** The providers a user may store a key for unless configured otherwise. */
export const defaultKeyServices = ['openai', 'anthropic', 'openrouter', 'xai', 'google', 'gateway'] as const

/** A service (provider) name as the database accepts it: lower-case `[a-z0-9_-]`, at most 32 characters. */
export const KeyServiceName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, { error: 'service names are lower-case [a-z0-9_-], at most 32 characters' })

/**
 * BYOK settings: `createTripSage({ keys })`. Keys are checked, never trimmed: a key with leading
 * or trailing whitespace, inner spaces or non-ASCII characters is refused rather than "fixed".
 */
export const KeysOptions = z
  .strictObject({
    /** Service names users may store keys for (default {@link defaultKeyServices}). */
    services: z
      .array(KeyServiceName)
      .min(1)
      .default([...defaultKeyServices]),
    /** Shortest accepted key (default 16). */
    minKeyLength: z.number().int().min(1).max(4096).default(16),
    /** Longest accepted key (default 512). */
    maxKeyLength: z.number().int().min(1).max(8192).default(512),
  })
  .refine((o) => o.minKeyLength <= o.maxKeyLength, {
    error: 'minKeyLength must not exceed maxKeyLength',
    path: ['minKeyLength'],
  })
/** BYOK settings as passed to `createTripSage`; see {@link KeysOptions}. */
export type KeysOptions = z.input<typeof KeysOptions>
/** BYOK settings with defaults applied. */
export type KeysSettings = z.output<typeof KeysOptions>

/**
 * Input of `tripsage.service.keys.set(userId, service, apiKey)`. The service must be in the
 * configured allowlist and the key within the configured length, printable ASCII without spaces.
 */
export const SetApiKeyInput = z.strictObject({
  /** The user the key belongs to (an `auth.users` id). */
  userId: z.uuid({ error: 'must be a user id (a UUID)' }),
  /** The provider, e.g. `openai`. */
  service: z.string({ error: 'must be a service name' }),
  /** The plaintext key; stored in Vault, never returned or logged. */
  apiKey: z.string({ error: 'must be a string' }),
})
/** Input of `tripsage.service.keys.set`; see {@link SetApiKeyInput}. */
export type SetApiKeyInput = z.input<typeof SetApiKeyInput>

/** Input of `tripsage.service.keys.get / remove / touch(userId, service)`. */
export const ApiKeyLookup = z.strictObject({
  /** The user the key belongs to. */
  userId: z.uuid({ error: 'must be a user id (a UUID)' }),
  /** The provider, e.g. `openai`. */
  service: z.string({ error: 'must be a service name' }),
})
/** Input of `tripsage.service.keys.get / remove / touch`; see {@link ApiKeyLookup}. */
export type ApiKeyLookup = z.input<typeof ApiKeyLookup>

/** A stored key's metadata — never the key, never the Vault secret's name. */
export interface ApiKeyInfo {
  /** The key record id (UUID). */
  readonly id: string
  /** The user it belongs to. */
  readonly userId: string
  /** The provider, e.g. `openai`. */
  readonly service: string
  /** When the key was last handed out for use (`touch`), ISO 8601; null since it was (re)set. */
  readonly lastUsed: string | null
  /** ISO 8601. */
  readonly createdAt: string
  /** ISO 8601; changes when the key is rotated. */
  readonly updatedAt: string
}

/** What `tripsage.service.keys.health()` reports. */
export interface KeysHealth {
  /** True when Vault stored, decrypted and deleted a probe secret. */
  readonly healthy: boolean
  /** ISO 8601. */
  readonly checkedAt: string
  /** Why the check could not run (e.g. `unavailable` when the database is down). */
  readonly errorCode?: string
}

/** Options of `tripsage.service.keys.embedderFor`. */
export interface EmbedderForOptions<E> {
  /** The provider whose stored key to use, e.g. `openai`. */
  service: string
  /**
   * Builds the embedder from the user's key, e.g.
   * `(apiKey) => createOpenAI({ apiKey }).textEmbeddingModel('text-embedding-3-small')`.
   */
  create: (apiKey: string) => E | Promise<E>
  /** Used when the user has no key for `service`; without it a missing key is `not_found`. */
  fallback?: E
  /** Record the use (`touch`) — default true. */
  touch?: boolean
}
