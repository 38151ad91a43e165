import { sql } from 'kysely'
import type { Json } from '../db/database.types.js'
import { jsonbValue } from '../db/json-param.js'
import { oneStatement, runInScope, scopeUserId } from '../db/run-in-scope.js'
import type { Scope, ScopedTransaction } from '../db/scope.js'
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js'
import type { JsonObject } from '../json-value.js'
import { parseInput } from '../validation.js'
import { ChatId } from './schema.js'
import {
  canonicalJson,
  isBehind,
  isToolStatusMove,
  type ProjectedToolCall,
  progressOf,
  projectToolCalls,
  searchableText,
} from './ui-message-rows.js'
import {
  LoadUIMessagesInput,
  SaveUIMessagesInput,
  type UIMessageLike,
  type UIMessagePartLike,
} from './ui-message-schema.js'

/** A message `saveUIMessages` wrote or found: its `UIMessage` id and its row id. */
export interface SavedUIMessage {
  /** The `UIMessage` id. */
  readonly id: string
  /** The `chat_messages` row id (UUID): what memory sync and `toolCalls` take. */
  readonly messageId: string
}

/** What `saveUIMessages` did, message by message (in the order given). */
export interface SaveUIMessagesResult {
  /** New messages. */
  readonly inserted: readonly SavedUIMessage[]
  /** Stored messages whose parts or metadata moved on. */
  readonly updated: readonly SavedUIMessage[]
  /** Messages stored already as given, or stored further along than the copy given (a stale copy). */
  readonly unchanged: readonly SavedUIMessage[]
}

const what = 'chat message'

// A row's UI message fields. Rows written while triggers were off (replica mode) may lack them:
// they read as the trigger would have filled them (decision 0013).
const uiIdOf = sql<string>`coalesce(ui_id, id::text)`
const partsOf = sql<unknown>`coalesce(parts, jsonb_build_array(jsonb_build_object('type', 'text', 'text', content)))`
const metadataSql = sql`case when parts is null and metadata <> '{}'::jsonb then metadata else ui_metadata end`
const metadataOf = sql<unknown>`${metadataSql}`
// jsonb 'null' and SQL NULL both arrive as null: this tells them apart.
const hasMetadataOf = sql<boolean>`(${metadataSql}) is not null`

/** A value as a `jsonb` parameter, sent as text on every driver (postgres.js would encode it twice). */
function jsonb(value: unknown) {
  return jsonbValue<NonNullable<Json>>(value)
}

/**
 * The messages without their `undefined` fields (which JSON text would drop, and which the AI SDK
 * leaves in the messages it builds). Everything else is kept as is, so that a value JSON would
 * silently change (NaN, a Date, `undefined` in an array) still fails validation.
 */
function withoutUndefinedFields(value: unknown, depth = 0): unknown {
  if (depth > 128 || typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map((item) => withoutUndefinedFields(item, depth + 1))
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return value
  const copy: Record<string, unknown> = Object.create(prototype)
  for (const [key, item] of Object.entries(value)) {
    // defineProperty: a "__proto__" key stays an ordinary key.
    if (item !== undefined) {
      Object.defineProperty(copy, key, {
        value: withoutUndefinedFields(item, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
  }
  return copy
}

/** Row metadata: the UIMessage metadata when it is a JSON object (what `history()` shows), else `{}`. */
function rowMetadata(metadata: unknown): JsonObject {
  return typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) ? (metadata as JsonObject) : {}
}

/** Locks the session for writing (owner only); `not_found` / `forbidden` otherwise. */
async function lockOwnSession(trx: ScopedTransaction, sessionId: string): Promise<void> {
  // RLS applies UPDATE policies to locking reads: only the owner gets the row.
  const locked = await trx
    .selectFrom('chat_sessions')
    .select('id')
    .where('id', '=', sessionId)
    .forNoKeyUpdate()
    .executeTakeFirst()
  if (locked) return
  const visible = await trx.selectFrom('chat_sessions').select('id').where('id', '=', sessionId).executeTakeFirst()
  if (!visible) throw new NotFoundError('Chat session not found')
  throw new ForbiddenError('Only the session owner can save messages')
}

/** Writes the tool call rows of saved messages: new calls inserted, legal status moves applied. */
async function projectToolCallRows(
  trx: ScopedTransaction,
  sessionId: string,
  userId: string,
  saved: readonly { messageId: string; message: UIMessageLike }[],
): Promise<void> {
  const wanted = saved.flatMap(({ messageId, message }) =>
    projectToolCalls(message).map((call) => ({ messageId, call })),
  )
  if (wanted.length === 0) return
  const existing = await trx
    .selectFrom('chat_tool_calls')
    .select(['id', 'message_id', 'tool_call_id', 'status', 'arguments', 'result', 'error_message'])
    .where(
      'message_id',
      'in',
      saved.map((s) => s.messageId),
    )
    .execute()
  const byKey = new Map(existing.map((row) => [`${row.message_id}\u0000${row.tool_call_id}`, row]))
  const inserts: { messageId: string; call: ProjectedToolCall }[] = []
  for (const { messageId, call } of wanted) {
    const row = byKey.get(`${messageId}\u0000${call.toolCallId}`)
    if (!row) {
      inserts.push({ messageId, call })
      continue
    }
    // Finished calls are immutable and a stale copy never moves a call back: skip what the
    // status machine would refuse, and what would change nothing.
    if (!isToolStatusMove(row.status, call.status)) continue
    const same =
      row.status === call.status &&
      canonicalJson(row.arguments) === canonicalJson(call.arguments) &&
      canonicalJson(row.result) === canonicalJson(call.result) &&
      row.error_message === call.errorMessage
    if (same) continue
    await trx
      .updateTable('chat_tool_calls')
      .set({
        status: call.status,
        arguments: jsonb(call.arguments),
        result: call.result === null ? null : jsonb(call.result),
        error_message: call.errorMessage,
      })
      .where('id', '=', row.id)
      .execute()
  }
  if (inserts.length === 0) return
  await trx
    .insertInto('chat_tool_calls')
    .values(
      inserts.map(({ messageId, call }) => ({
        session_id: sessionId,
        user_id: userId,
        message_id: messageId,
        tool_call_id: call.toolCallId,
        tool_name: call.toolName,
        arguments: jsonb(call.arguments),
        result: call.result === null ? null : jsonb(call.result),
        status: call.status,
        error_message: call.errorMessage,
        provider_executed: call.providerExecuted,
      })),
    )
    .execute()
}

/**
 * `saveUIMessages` over a user scope: an upsert by `UIMessage` id in one transaction. New messages
 * are appended in the order given; a stored message is updated only when the copy given is not
 * behind it; tool parts are projected into `chat_tool_calls`.
 */
export async function saveUIMessages(
  scope: Scope,
  rawSessionId: string,
  rawMessages: readonly UIMessageLike[],
): Promise<SaveUIMessagesResult> {
  const userId = scopeUserId(scope)
  const { sessionId, messages } = parseInput(
    SaveUIMessagesInput,
    { sessionId: rawSessionId, messages: withoutUndefinedFields(rawMessages) },
    what,
  )
  const given = messages as unknown as UIMessageLike[]
  return runInScope(scope, what, async (trx) => {
    await lockOwnSession(trx, sessionId)
    const stored = await trx
      .selectFrom('chat_messages')
      .select([
        'id',
        'role',
        uiIdOf.as('ui_id'),
        partsOf.as('parts'),
        metadataOf.as('ui_metadata'),
        hasMetadataOf.as('has_metadata'),
      ])
      .where('session_id', '=', sessionId)
      .where(
        uiIdOf,
        'in',
        given.map((m) => m.id),
      )
      .execute()
    const storedById = new Map(stored.map((row) => [row.ui_id, row]))
    const result = {
      inserted: [] as SavedUIMessage[],
      updated: [] as SavedUIMessage[],
      unchanged: [] as SavedUIMessage[],
    }
    const toInsert: UIMessageLike[] = []
    const written: { messageId: string; message: UIMessageLike }[] = []
    for (const [index, message] of given.entries()) {
      const row = storedById.get(message.id)
      if (!row) {
        toInsert.push(message)
        continue
      }
      // The legacy role `tool` reads as `assistant`.
      const storedRole = row.role === 'tool' ? 'assistant' : row.role
      if (storedRole !== message.role) {
        throw new ConflictError('A message with this id is stored with another role', {
          details: {
            issues: [
              { path: `messages.${index}.role`, code: 'conflict', message: 'role differs from the stored message' },
            ],
          },
        })
      }
      const storedParts = row.parts as unknown as UIMessagePartLike[]
      const sameParts = canonicalJson(storedParts) === canonicalJson(message.parts)
      const hasMetadata = message.metadata !== undefined
      const sameMetadata =
        hasMetadata === row.has_metadata &&
        (!hasMetadata || canonicalJson(row.ui_metadata) === canonicalJson(message.metadata))
      const ref = { id: message.id, messageId: row.id }
      if ((sameParts && sameMetadata) || isBehind(progressOf(message.parts), progressOf(storedParts))) {
        result.unchanged.push(ref)
        continue
      }
      await trx
        .updateTable('chat_messages')
        .set({
          parts: jsonb(message.parts),
          content: searchableText(message.parts),
          metadata: jsonb(rowMetadata(message.metadata)),
          ui_metadata: hasMetadata ? jsonb(message.metadata) : null,
        })
        .where('id', '=', row.id)
        .execute()
      result.updated.push(ref)
      written.push({ messageId: row.id, message })
    }
    if (toInsert.length > 0) {
      // One multi-row INSERT: identity values (`seq`) follow the VALUES order.
      const inserted = await trx
        .insertInto('chat_messages')
        .values(
          toInsert.map((message) => ({
            session_id: sessionId,
            user_id: userId,
            ui_id: message.id,
            role: message.role,
            content: searchableText(message.parts),
            parts: jsonb(message.parts),
            metadata: jsonb(rowMetadata(message.metadata)),
            ui_metadata: message.metadata === undefined ? null : jsonb(message.metadata),
          })),
        )
        .returning(['id', 'ui_id'])
        .execute()
      const rowIdOf = new Map(inserted.map((row) => [row.ui_id, row.id]))
      for (const message of toInsert) {
        const messageId = rowIdOf.get(message.id) as string
        result.inserted.push({ id: message.id, messageId })
        written.push({ messageId, message })
      }
    }
    await projectToolCallRows(trx, sessionId, userId, written)
    return result
  })
}

/**
 * `loadUIMessages` over a scope: the newest `limit` messages (older than `before` when given), in
 * conversation order, as `UIMessage`s.
 */
export async function loadUIMessages<MESSAGE extends UIMessageLike = UIMessageLike>(
  scope: Scope,
  rawSessionId: string,
  rawOptions: LoadUIMessagesInput | undefined,
): Promise<MESSAGE[]> {
  const sessionId = parseInput(ChatId, rawSessionId, what)
  const options = parseInput(LoadUIMessagesInput, rawOptions ?? {}, 'UI message load options')
  // Reads only, so each may commit on its own: without `before`, one statement and one round trip.
  const rows = await runInScope(
    scope,
    what,
    async (trx) => {
      let beforeSeq: number | null = null
      if (options.before !== undefined) {
        const anchor = await trx
          .selectFrom('chat_messages')
          .select('seq')
          .where('session_id', '=', sessionId)
          .where(uiIdOf, '=', options.before)
          .executeTakeFirst()
        if (!anchor) {
          await assertSessionVisible(trx, sessionId)
          throw new NotFoundError('Chat message not found in this session')
        }
        beforeSeq = Number(anchor.seq)
      }
      let query = trx
        .selectFrom('chat_messages')
        .select([
          'role',
          'seq',
          uiIdOf.as('ui_id'),
          partsOf.as('parts'),
          metadataOf.as('ui_metadata'),
          hasMetadataOf.as('has_metadata'),
        ])
        .where('session_id', '=', sessionId)
      if (beforeSeq !== null) query = query.where('seq', '<', beforeSeq)
      const page = await query.orderBy('seq', 'desc').limit(options.limit).execute()
      if (page.length === 0) await assertSessionVisible(trx, sessionId)
      return page
    },
    oneStatement,
  )
  return rows.reverse().map((row) => {
    const message: { id: string; role: string; metadata?: unknown; parts: unknown } = {
      id: row.ui_id,
      role: row.role === 'tool' ? 'assistant' : row.role,
      parts: row.parts,
    }
    if (row.has_metadata) message.metadata = row.ui_metadata
    return message as unknown as MESSAGE
  })
}

/** Throws `not_found` unless the user can read the session. */
async function assertSessionVisible(trx: ScopedTransaction, sessionId: string): Promise<void> {
  const session = await trx.selectFrom('chat_sessions').select('id').where('id', '=', sessionId).executeTakeFirst()
  if (!session) throw new NotFoundError('Chat session not found')
}
