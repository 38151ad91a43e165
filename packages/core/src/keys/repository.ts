import { toTripSageError } from '../db/database-error.js'
import { oneStatement } from '../db/run-in-scope.js'
import type { Scope } from '../db/scope.js'
import { noopTracer, withSpan } from '../telemetry.js'
import { apiKeyColumns, toApiKeyInfo } from './api-key-row.js'
import type { KeysPorts } from './ports.js'
import type { ApiKeyInfo } from './schema.js'

/**
 * `me.keys`: what the user may know about their stored provider keys. Metadata only — the keys
 * themselves are readable by `tripsage.service.keys` alone (Vault, `service_role` RPCs).
 */
export interface UserKeysRepository {
  /** The user's keys' services and last-use times, by service (RLS: only their own rows). */
  list(): Promise<ApiKeyInfo[]>
}

/**
 * Builds `me.keys` over a user scope.
 *
 * @param scope - the user scope
 * @param ports - the options passed to `createTripSage`
 */
export function createUserKeysRepository(scope: Scope, ports: KeysPorts): UserKeysRepository {
  const tracer = ports.tracer ?? noopTracer
  return {
    list: () =>
      withSpan(tracer, 'tripsage.keys.list_mine', {}, async () => {
        try {
          // No user_id filter: RLS (api_keys_select_owner) decides, as everywhere in a user scope.
          // One statement: `commit` leaves with it (one round trip on a pipelining driver).
          const rows = await scope.run(
            (trx) => trx.selectFrom('api_keys').select(apiKeyColumns).orderBy('service').orderBy('id').execute(),
            oneStatement,
          )
          return rows.map(toApiKeyInfo)
        } catch (error) {
          throw toTripSageError(error, 'API key')
        }
      }),
  }
}
