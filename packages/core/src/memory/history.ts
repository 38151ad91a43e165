import { sql } from 'kysely'
import { jsonbValue } from '../db/json-param.js'
import type { ScopedTransaction } from '../db/scope.js'
import { timestamptzFromText } from '../db/temporal-param.js'
import { toVectorText } from '../embeddings/vector-text.js'
import { NotFoundError, TripSageError } from '../errors.js'
import { contentHash } from './content-hash.js'
import { toIso, toMemory } from './rows.js'
import type { Memory, MemoryMetadata, MemoryType } from './schema.js'
import { type MemoryRow, memoryColumns } from './statements.js'

/** What happened to a memory, as recorded in `memory_events`. */
export type MemoryEventOperation = 'add' | 'update' | 'delete' | 'forget' | 'restore'

/** One entry of a memory's history (`me.memory.history(id)`). */
export interface MemoryEvent {
  /** The event id (pass it to `me.memory.restore` to go back to this version). */
  readonly id: string
  /** The memory it is about. */
  readonly memoryId: string
  /** `add`, `update`, `delete` (by a decider), `forget` (by the user or expiry) or `restore`. */
  readonly operation: MemoryEventOperation
  /** The content before (null for `add`). */
  readonly oldContent: string | null
  /** The content after (null for `delete` and `forget`). */
  readonly newContent: string | null
  /** The type after the event (before it, for `delete` and `forget`). */
  readonly type: MemoryType
  /** The importance after the event (before it, for `delete` and `forget`). */
  readonly importance: number
  /** The metadata after the event (before it, for `delete` and `forget`). */
  readonly metadata: MemoryMetadata
  /** The expiry after the event (before it, for `delete` and `forget`). */
  readonly expiresAt: string | null
  /** The chat messages the change was drawn from (empty for direct calls). */
  readonly sourceMessageIds: string[]
  /** Who decided: `model:<provider>/<model id>`, `rule:<name>`, `user`, `service` or `expiry`. */
  readonly decider: string
  /** Why, as the decider put it. */
  readonly reason: string | null
  /** When (ISO 8601). */
  readonly createdAt: string
}

/** A row of `memory_events`. */
interface EventRow {
  id: string
  memory_id: string
  operation: MemoryEventOperation
  old_content: string | null
  new_content: string | null
  memory_type: string
  importance: number | string
  metadata: MemoryMetadata | string
  expires_at: Date | string | null
  source_message_ids: string[] | string
  decider: string
  reason: string | null
  created_at: Date | string
}

const eventColumns = sql.raw(
  'id, memory_id, operation, old_content, new_content, memory_type, importance, metadata, expires_at, ' +
    'source_message_ids, decider, reason, created_at, seq',
)

/**
 * A memory's history, oldest first (the caller's own memories only: RLS). A forgotten memory
 * keeps its history; an unknown id has an empty one.
 *
 * @param trx - a user transaction
 * @param memoryId - the memory id (already parsed)
 * @param limit - most events returned (the newest `limit`)
 */
export async function readHistory(trx: ScopedTransaction, memoryId: string, limit: number): Promise<MemoryEvent[]> {
  const result = await sql<EventRow>`
    select * from (
      select ${eventColumns} from public.memory_events
      where memory_id = ${memoryId}::uuid
      order by seq desc
      limit ${limit}
    ) newest order by seq`.execute(trx)
  return result.rows.map(toEvent)
}

/**
 * Restores a memory from its history, as `me.memory.restore(ref)`:
 *
 * - `ref` is an **event id**: the memory goes back to the version that event recorded (the content
 *   after an add/update/restore, before a delete/forget) — re-created with its id when it is gone,
 *   rewritten when it exists;
 * - `ref` is a **memory id** of a deleted or forgotten memory: it comes back as it was just before
 *   its latest deletion. A memory id of a memory that exists is a `conflict`.
 *
 * The restored content is embedded again (`embed`), the change is recorded as a `restore` event,
 * and content another memory already holds is a `conflict`. Unknown refs are `not_found`.
 *
 * @param trx - the open user transaction
 * @param userId - the user
 * @param ref - an event id or a memory id (already parsed)
 * @param embed - embeds the restored content; returns the vector and its model
 */
export async function restoreFromHistory(
  trx: ScopedTransaction,
  userId: string,
  ref: string,
  embed: (content: string) => Promise<{ vector: number[]; model: string }>,
): Promise<Memory> {
  const byEvent = await sql<EventRow>`
    select ${eventColumns} from public.memory_events where id = ${ref}::uuid`.execute(trx)
  let event = byEvent.rows[0]
  let viaEvent = true
  if (!event) {
    viaEvent = false
    const latest = await sql<EventRow>`
      select ${eventColumns} from public.memory_events
      where memory_id = ${ref}::uuid and operation in ('delete', 'forget')
      order by seq desc limit 1`.execute(trx)
    event = latest.rows[0]
  }
  if (!event) throw new NotFoundError('No deleted memory or history event with this id')
  const content = (
    event.operation === 'delete' || event.operation === 'forget' ? event.old_content : event.new_content
  ) as string
  const current = await sql<MemoryRow>`
    select ${memoryColumns('memories')} from public.memories where id = ${event.memory_id}::uuid`.execute(trx)
  const existing = current.rows[0]
  if (existing && !viaEvent)
    throw new TripSageError('conflict', 'The memory exists; pass an event id to go back to a version')
  const hash = await contentHash(content)
  const taken = await sql<{ id: string }>`
    select id from public.memories where content_hash = ${hash} and id <> ${event.memory_id}::uuid`.execute(trx)
  if (taken.rows.length > 0) throw new TripSageError('conflict', 'Another memory already holds this content')
  const { vector, model } = await embed(content)
  await sql`select set_config('tripsage.memory_change', ${JSON.stringify({ decider: 'user', operation: 'restore' })}, true)`.execute(
    trx,
  )
  const metadata = jsonbValue(parseJson(event.metadata))
  const written = existing
    ? await sql<MemoryRow>`
        update public.memories set content = ${content}, content_hash = ${hash},
          embedding = ${toVectorText(vector)}::extensions.vector, embedding_model = ${model},
          memory_type = ${event.memory_type}, importance = ${Number(event.importance)}, metadata = ${metadata},
          expires_at = ${timestamptzFromText(event.expires_at === null ? null : toIso(event.expires_at))}
        where id = ${event.memory_id}::uuid
        returning ${memoryColumns('memories')}`.execute(trx)
    : await sql<MemoryRow>`
        insert into public.memories (id, user_id, memory_type, content, content_hash, embedding, embedding_model,
          metadata, importance, expires_at)
        values (${event.memory_id}::uuid, ${userId}::uuid, ${event.memory_type}, ${content}, ${hash},
          ${toVectorText(vector)}::extensions.vector, ${model}, ${metadata}, ${Number(event.importance)},
          ${timestamptzFromText(event.expires_at === null ? null : toIso(event.expires_at))})
        returning ${memoryColumns('memories')}`.execute(trx)
  await sql`select set_config('tripsage.memory_change', '', true)`.execute(trx)
  const row = written.rows[0]
  if (!row) throw new TripSageError('internal', 'The restored memory was not written')
  return toMemory(row)
}

function parseJson<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value
}

/** Postgres `uuid[]` arrives as an array (pg, PGlite) or as `{a,b}` text (some drivers). */
function uuidArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value
  const inner = value.replace(/^\{|\}$/g, '')
  return inner.length === 0 ? [] : inner.split(',')
}

function toEvent(row: EventRow): MemoryEvent {
  return {
    id: row.id,
    memoryId: row.memory_id,
    operation: row.operation,
    oldContent: row.old_content,
    newContent: row.new_content,
    type: row.memory_type as MemoryType,
    importance: Number(row.importance),
    metadata: parseJson(row.metadata),
    expiresAt: row.expires_at === null ? null : toIso(row.expires_at),
    sourceMessageIds: uuidArray(row.source_message_ids),
    decider: row.decider,
    reason: row.reason,
    createdAt: toIso(row.created_at),
  }
}
