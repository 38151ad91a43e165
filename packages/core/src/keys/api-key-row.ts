import type { Selectable } from 'kysely'
import type { TripSageDatabase } from '../db/schema.js'
import type { ApiKeyInfo } from './schema.js'

/** The columns every key query selects: never `vault_secret_name`. */
export const apiKeyColumns = ['id', 'user_id', 'service', 'last_used', 'created_at', 'updated_at'] as const

/** The selected columns of an `api_keys` row. */
export type ApiKeyRecord = Pick<Selectable<TripSageDatabase['api_keys']>, (typeof apiKeyColumns)[number]>

function iso(value: unknown): string {
  return (value instanceof Date ? value : new Date(String(value))).toISOString()
}

/** Maps a row to its metadata entity, once. */
export function toApiKeyInfo(row: ApiKeyRecord): ApiKeyInfo {
  return {
    id: row.id,
    userId: row.user_id,
    service: row.service,
    lastUsed: row.last_used === null ? null : iso(row.last_used),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  }
}
