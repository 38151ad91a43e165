import { sql } from 'kysely'
import { databaseErrorInfo, toTripSageError } from '../db/database-error.js'
import { oneStatement } from '../db/run-in-scope.js'
import type { Scope, ScopedTransaction, ScopeRunOptions } from '../db/scope.js'
import { NotFoundError, TripSageError, ValidationError } from '../errors.js'
import { noopTracer, type SpanAttributes, withSpan } from '../telemetry.js'
import { parseInput } from '../validation.js'
import { apiKeyColumns, toApiKeyInfo } from './api-key-row.js'
import type { KeysPorts } from './ports.js'
import {
  type ApiKeyInfo,
  ApiKeyLookup,
  type EmbedderForOptions,
  type KeysHealth,
  type KeysSettings,
  SetApiKeyInput,
} from './schema.js'
import { keySettings } from './settings.js'

/**
 * `tripsage.service.keys`: users' own provider keys (BYOK) in Supabase Vault, through the
 * `private.*_user_api_key` RPCs (SECURITY DEFINER, `service_role` only). Keys never appear in
 * errors, error causes, details or spans: failures carry codes and SQLSTATEs only.
 */
export interface KeysServiceRepository {
  /**
   * Stores (or rotates) the user's key for `service`: exactly one Vault secret per user and
   * service, the old value replaced in place, `lastUsed` reset. `not_found` when the user does not
   * exist; `validation` for a service outside the allowlist or a malformed key (never trimmed).
   */
  set(userId: string, service: string, apiKey: string): Promise<ApiKeyInfo>
  /** The plaintext key, or null when the user has none for `service`. Handle it like a password. */
  get(userId: string, service: string): Promise<string | null>
  /** Deletes the key and its Vault secret; false when there was none. */
  remove(userId: string, service: string): Promise<boolean>
  /** Records a use of the key (`lastUsed = now()`). */
  touch(userId: string, service: string): Promise<void>
  /** The user's keys' metadata, by service. */
  list(userId: string): Promise<ApiKeyInfo[]>
  /** Writes, reads back and deletes a probe secret; never throws. */
  health(): Promise<KeysHealth>
  /**
   * Builds a provider (an AI SDK provider, an HTTP client…) from the user's stored key and records
   * the use. `not_found` when there is no key. An error thrown by `create` is replaced by an
   * `internal` error without its message, which could quote the key.
   */
  providerFor<P>(userId: string, service: string, create: (apiKey: string) => P | Promise<P>): Promise<P>
  /**
   * Builds the embedder memory writes should use for this user: from their stored key when they
   * have one, else `fallback` (else `not_found`), so embeddings run — and are billed — on the
   * user's own key.
   *
   * @example
   * const embedder = await tripsage.service.keys.embedderFor(userId, {
   *   service: 'openai',
   *   create: (apiKey) => aiSdkEmbedder(createOpenAI({ apiKey }).textEmbeddingModel('text-embedding-3-small')),
   *   fallback: defaultEmbedder,
   * })
   */
  embedderFor<E>(userId: string, options: EmbedderForOptions<E>): Promise<E>
}

/**
 * Builds `tripsage.service.keys` over the service scope.
 *
 * @param scope - the service scope
 * @param ports - the options passed to `createTripSage` (`keys`, `tracer`)
 */
export function createKeysServiceRepository(scope: Scope, ports: KeysPorts): KeysServiceRepository {
  const settings = keySettings(ports)
  const tracer = ports.tracer ?? noopTracer

  /**
   * Runs `fn` in the service scope. `options` is `oneStatement` for the calls that send one
   * statement (one round trip on a pipelining driver); `set` stores, then reads the stored row
   * back, in one transaction.
   */
  async function run<T>(fn: (trx: ScopedTransaction) => Promise<T>, options?: ScopeRunOptions): Promise<T> {
    try {
      return await scope.run(fn, options)
    } catch (error) {
      if (databaseErrorInfo(error)?.sqlState === '23503') {
        throw new NotFoundError('User not found', { cause: databaseErrorInfo(error) })
      }
      throw toTripSageError(error, 'API key')
    }
  }

  /** Span attributes: the service only once it is known to be an allowed name (a swapped argument could be a key). */
  function attributes(service: unknown): SpanAttributes {
    return typeof service === 'string' && settings.services.includes(service)
      ? { 'tripsage.keys.service': service }
      : {}
  }

  const repository: KeysServiceRepository = {
    set: (userId, service, apiKey) =>
      withSpan(tracer, 'tripsage.keys.set', attributes(service), async () => {
        const input = parseInput(SetApiKeyInput, { userId, service, apiKey }, 'API key')
        checkService(settings, input.service)
        checkKey(settings, input.apiKey)
        const row = await run(async (trx) => {
          const { rows } = await sql<{
            id: string
          }>`select private.insert_user_api_key(${input.userId}::uuid, ${input.service}, ${input.apiKey}) as id`.execute(
            trx,
          )
          const id = rows[0]?.id
          if (!id) throw new TripSageError('internal', 'Storing the API key returned no row')
          return trx.selectFrom('api_keys').select(apiKeyColumns).where('id', '=', id).executeTakeFirstOrThrow()
        })
        return toApiKeyInfo(row)
      }),

    get: (userId, service) =>
      withSpan(tracer, 'tripsage.keys.get', attributes(service), async () => {
        const input = lookup(settings, userId, service)
        const { rows } = await run(
          (trx) =>
            sql<{
              key: string | null
            }>`select private.get_user_api_key(${input.userId}::uuid, ${input.service}) as key`.execute(trx),
          oneStatement,
        )
        return rows[0]?.key ?? null
      }),

    remove: (userId, service) =>
      withSpan(tracer, 'tripsage.keys.remove', attributes(service), async () => {
        const input = lookup(settings, userId, service)
        const { rows } = await run(
          (trx) =>
            sql<{
              deleted: boolean
            }>`select private.delete_user_api_key(${input.userId}::uuid, ${input.service}) as deleted`.execute(trx),
          oneStatement,
        )
        return rows[0]?.deleted === true
      }),

    touch: (userId, service) =>
      withSpan(tracer, 'tripsage.keys.touch', attributes(service), async () => {
        const input = lookup(settings, userId, service)
        await run(
          (trx) => sql`select private.touch_user_api_key(${input.userId}::uuid, ${input.service})`.execute(trx),
          oneStatement,
        )
      }),

    list: (userId) =>
      withSpan(tracer, 'tripsage.keys.list', {}, async () => {
        const input = parseInput(ApiKeyLookup.pick({ userId: true }), { userId }, 'API key lookup')
        const rows = await run(
          (trx) =>
            trx
              .selectFrom('api_keys')
              .select(apiKeyColumns)
              .where('user_id', '=', input.userId)
              .orderBy('service')
              .execute(),
          oneStatement,
        )
        return rows.map(toApiKeyInfo)
      }),

    health: () =>
      withSpan(tracer, 'tripsage.keys.health', {}, async () => {
        const checkedAt = new Date().toISOString()
        try {
          const { rows } = await run(
            (trx) => sql<{ healthy: boolean }>`select private.check_vault_health() as healthy`.execute(trx),
            oneStatement,
          )
          return { healthy: rows[0]?.healthy === true, checkedAt }
        } catch (error) {
          return { healthy: false, checkedAt, errorCode: TripSageError.isInstance(error) ? error.code : 'internal' }
        }
      }),

    providerFor: (userId, service, create) =>
      withSpan(tracer, 'tripsage.keys.provider_for', attributes(service), async () => {
        const apiKey = await repository.get(userId, service)
        if (apiKey === null) throw new NotFoundError('No API key stored for this service')
        const provider = await build(create, apiKey)
        // Recording the use is bookkeeping: it must not fail the call that needs the provider.
        await repository.touch(userId, service).catch(() => undefined)
        return provider
      }),

    embedderFor: (userId, options) =>
      withSpan(tracer, 'tripsage.keys.embedder_for', attributes(options?.service), async () => {
        const apiKey = await repository.get(userId, options.service)
        if (apiKey === null) {
          if (options.fallback !== undefined) return options.fallback
          throw new NotFoundError('No API key stored for this service')
        }
        const embedder = await build(options.create, apiKey)
        if (options.touch !== false) await repository.touch(userId, options.service).catch(() => undefined)
        return embedder
      }),
  }
  return repository
}

/** Runs a caller's factory; its failure is reported without its message (it could quote the key). */
async function build<T>(create: (apiKey: string) => T | Promise<T>, apiKey: string): Promise<T> {
  try {
    return await create(apiKey)
  } catch (error) {
    throw new TripSageError('internal', 'Could not build the provider from the stored API key', {
      cause: { name: error instanceof Error ? error.name : typeof error },
    })
  }
}

function lookup(settings: KeysSettings, userId: string, service: string) {
  const input = parseInput(ApiKeyLookup, { userId, service }, 'API key lookup')
  checkService(settings, input.service)
  return input
}

/** The allowlist check. The message never quotes the value: a swapped argument could be a key. */
function checkService(settings: KeysSettings, service: string): void {
  if (!settings.services.includes(service)) {
    throw new ValidationError('Invalid API key service', {
      details: {
        issues: [{ path: 'service', code: 'not_allowed', message: `one of: ${settings.services.join(', ')}` }],
      },
    })
  }
}

/** Length and character checks; a key is refused, never trimmed or otherwise "fixed". */
function checkKey(settings: KeysSettings, apiKey: string): void {
  const issue = (code: string, message: string) =>
    new ValidationError('Invalid API key', { details: { issues: [{ path: 'apiKey', code, message }] } })
  if (apiKey.length < settings.minKeyLength || apiKey.length > settings.maxKeyLength) {
    throw issue('length', `must be ${settings.minKeyLength}–${settings.maxKeyLength} characters`)
  }
  if (apiKey.trim() !== apiKey) {
    throw issue('whitespace', 'must not start or end with whitespace (keys are never trimmed)')
  }
  if (!/^[\x21-\x7e]+$/.test(apiKey)) {
    throw issue('characters', 'must be printable ASCII without spaces')
  }
}
