import { type Kysely, sql } from 'kysely'

/** Who calls the loopback Storage API, from the verified bearer token. */
export interface StorageCaller {
  /** The JWT's `role` (`service_role`, `authenticated`, `anon`). */
  readonly role: string
  /** The JWT's `sub`, for a user. */
  readonly sub: string | null
}

/** Decides what a caller may write through the loopback Storage API (`startStorageApiServer({ policies })`). */
export interface StoragePolicies {
  /**
   * May `caller` store the object `name` in `bucket` (an upload, an upsert, or a signed upload
   * target for it)? `service_role` never asks: it bypasses the policies, as on Supabase.
   */
  canWrite(caller: StorageCaller, bucket: string, name: string): Promise<boolean>
}

/** The default: a user writes only under their own first folder (the path rule of the TripSage policies). */
export const firstFolderPolicies: StoragePolicies = {
  canWrite: async (caller, _bucket, name) =>
    caller.role === 'authenticated' &&
    caller.sub !== null &&
    name.split('/').length > 1 &&
    name.split('/')[0] === caller.sub,
}

const rollback = Symbol('rollback')

/**
 * The database's own `storage.objects` policies, asked as Supabase Storage asks them: it writes the
 * object's row as the caller (role and JWT claims set transaction-locally), here in a transaction
 * that is always rolled back. A row-level security refusal (42501) is a refusal; anything else is
 * thrown.
 *
 * @param db - a Kysely instance over the migrated database, connected as a role that may become
 *   `authenticated` and `anon`
 * @example
 * const storageApi = await startStorageApiServer({ policies: databaseStoragePolicies(db) })
 */
export function databaseStoragePolicies(db: Kysely<any>): StoragePolicies {
  return {
    async canWrite(caller, bucket, name) {
      const role = caller.role === 'authenticated' ? 'authenticated' : 'anon'
      const claims = JSON.stringify({ role, ...(caller.sub ? { sub: caller.sub } : {}) })
      try {
        await db.transaction().execute(async (trx) => {
          await sql`select set_config('role', ${role}, true), set_config('request.jwt.claims', ${claims}, true)`.execute(
            trx,
          )
          await sql`insert into storage.objects (bucket_id, name, owner_id) values (${bucket}, ${name}, ${caller.sub})
            on conflict (bucket_id, name) do update set updated_at = now()`.execute(trx)
          throw rollback
        })
      } catch (error) {
        if (error === rollback) return true
        if ((error as { code?: unknown } | null)?.code === '42501') return false
        throw error
      }
      return false
    },
  }
}
