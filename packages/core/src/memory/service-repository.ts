import { sql } from 'kysely'
import { toTripSageError } from '../db/database-error.js'
import type { Scope } from '../db/scope.js'
import { assertEmbedderFitsColumn } from '../embeddings/embedder.js'
import { parseInput } from '../validation.js'
import type { MemoryPorts } from './repository.js'
import { PurgeExpiredMemoriesInput, type PurgeExpiredMemoriesResult } from './schema.js'

/** Memory maintenance for jobs (`tripsage.service.memory`). */
export interface MemoryServiceRepository {
  /** Deletes memories and session memories past `expiresAt`, at most `limit` per table per call. */
  purgeExpired(input?: PurgeExpiredMemoriesInput): Promise<PurgeExpiredMemoriesResult>
}

const what = 'memory'

/**
 * Builds `tripsage.service.memory`.
 *
 * @param scope - the service scope (or one bound to an open transaction)
 * @param ports - the embedder (checked like the user repository's)
 */
export function createMemoryServiceRepository(scope: Scope, ports: MemoryPorts): MemoryServiceRepository {
  assertEmbedderFitsColumn(ports.embedder)
  return {
    purgeExpired: async (input) => {
      const { limit } = parseInput(PurgeExpiredMemoriesInput, input ?? {}, what)
      try {
        return await scope.run(async (trx) => {
          // The history records these deletions as forgotten by `expiry`.
          await sql`select set_config('tripsage.memory_change', '{"decider":"expiry"}', true)`.execute(trx)
          // One statement; the partial `expires_at` indexes find the rows, oldest expiry first.
          const result = await sql<{ memories: number; session_memories: number }>`
            with purged_memories as (
              delete from public.memories where id in (
                select id from public.memories where expires_at <= now() order by expires_at limit ${limit})
              returning 1
            ),
            purged_session_memories as (
              delete from public.session_memories where id in (
                select id from public.session_memories where expires_at <= now() order by expires_at limit ${limit})
              returning 1
            )
            select (select count(*)::int from purged_memories) as memories,
              (select count(*)::int from purged_session_memories) as session_memories`.execute(trx)
          const row = result.rows[0]
          return { memories: Number(row?.memories ?? 0), sessionMemories: Number(row?.session_memories ?? 0) }
        })
      } catch (error) {
        throw toTripSageError(error, what)
      }
    },
  }
}
