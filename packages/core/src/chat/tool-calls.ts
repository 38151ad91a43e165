import { type RawBuilder, sql, type UpdateObject } from 'kysely'
import type { Json } from '../db/database.types.js'
import { jsonbValue } from '../db/json-param.js'
import { oneStatement, runInScope, scopeUserId } from '../db/run-in-scope.js'
import type { TripSageDatabase } from '../db/schema.js'
import type { Scope, ScopedTransaction } from '../db/scope.js'
import { ForbiddenError, NotFoundError } from '../errors.js'
import type { JsonValue } from '../json-value.js'
import { parseInput } from '../validation.js'
import { type ChatToolCallRow, toChatToolCall } from './rows.js'
import { ChatId, type ChatToolCall, CompleteToolCallInput, FailToolCallInput, RecordToolCallInput } from './schema.js'

/**
 * `me.chat.toolCalls`: the tools a model called in a session. Status moves
 * `pending → running → completed | failed` (`pending` may finish directly); anything else —
 * including starting, completing or failing twice — is a `conflict`, enforced by the database.
 */
export interface ChatToolCallsRepository {
  /**
   * Records a `pending` call in a session the user owns. `messageId`, when given, must be a
   * message of that session. `not_found` when the user cannot see the session (or the message is
   * not in it), `forbidden` when they can read it but do not own it, `conflict` when it has ended.
   */
  record(sessionId: string, input: RecordToolCallInput): Promise<ChatToolCall>
  /** The call; `not_found` when it does not exist or the user cannot read its session. */
  get(id: string): Promise<ChatToolCall>
  /** `pending → running` (stamps `startedAt`). */
  start(id: string): Promise<ChatToolCall>
  /** `pending | running → completed` with the result (stamps `completedAt`). */
  complete(id: string, result: JsonValue): Promise<ChatToolCall>
  /** `pending | running → failed` with an error message of 1–4000 characters (stamps `completedAt`). */
  fail(id: string, errorMessage: string): Promise<ChatToolCall>
}

const what = 'tool call'

type ToolCallChange = UpdateObject<TripSageDatabase, 'chat_tool_calls'>

/** A JSON value as a `jsonb` parameter (never a driver-specific array or object encoding). */
function jsonb(value: JsonValue): RawBuilder<Json> {
  return jsonbValue<Json>(value)
}

/**
 * Builds `me.chat.toolCalls` over a user scope.
 *
 * @param scope - the user scope (or one bound to an open transaction)
 */
export function createChatToolCallsRepository(scope: Scope): ChatToolCallsRepository {
  const userId = scopeUserId(scope)
  // Every call here sends one statement, or one write followed only by reads explaining an
  // empty result: each statement may commit on its own, `commit` in its flight (one round trip).
  const run = <T>(fn: (trx: ScopedTransaction) => Promise<T>) => runInScope(scope, what, fn, oneStatement)

  /** One UPDATE; the status trigger raises 55000 (→ conflict) for a refused transition. */
  async function transition(id: string, change: ToolCallChange): Promise<ChatToolCall> {
    const row = await run(async (trx) => {
      const updated = await trx
        .updateTable('chat_tool_calls')
        .set(change)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst()
      if (updated) return updated
      // Nothing updated: RLS hid the row from the update. Readable → not the owner.
      const visible = await trx.selectFrom('chat_tool_calls').select('id').where('id', '=', id).executeTakeFirst()
      if (!visible) throw new NotFoundError('Tool call not found')
      throw new ForbiddenError('Only the session owner can change a tool call')
    })
    return toChatToolCall(row)
  }

  return {
    async record(rawSessionId, rawInput) {
      const sessionId = parseInput(ChatId, rawSessionId, what)
      const input = parseInput(RecordToolCallInput, rawInput, what)
      const row = await run(async (trx): Promise<ChatToolCallRow> => {
        // Locking the session filters it to its owner (RLS applies UPDATE policies to locking
        // reads), so a collaborator writes nothing instead of tripping over the ended-session check.
        const session = trx
          .selectFrom('chat_sessions')
          .select('id')
          .where('id', '=', sessionId)
          .forNoKeyUpdate()
          .as('session')
        let source = trx
          .selectFrom(session)
          .select([
            'session.id',
            sql<string>`${userId}::uuid`.as('user_id'),
            sql<string>`${input.toolName}::text`.as('tool_name'),
            sql<string | null>`${input.toolCallId ?? null}::text`.as('tool_call_id'),
            jsonb(input.arguments).as('arguments'),
            sql<string | null>`${input.messageId ?? null}::uuid`.as('message_id'),
            sql<boolean>`${input.providerExecuted ?? false}::boolean`.as('provider_executed'),
          ])
        const messageId = input.messageId
        if (messageId) {
          source = source.where(({ exists, selectFrom }) =>
            exists(
              selectFrom('chat_messages as m')
                .select('m.id')
                .where('m.id', '=', messageId)
                .whereRef('m.session_id', '=', 'session.id'),
            ),
          )
        }
        const inserted = await trx
          .insertInto('chat_tool_calls')
          .columns([
            'session_id',
            'user_id',
            'tool_name',
            'tool_call_id',
            'arguments',
            'message_id',
            'provider_executed',
          ])
          .expression(source)
          .returningAll()
          .executeTakeFirst()
        if (inserted) return inserted
        const owner = await trx
          .selectFrom('chat_sessions')
          .select('user_id')
          .where('id', '=', sessionId)
          .executeTakeFirst()
        if (!owner) throw new NotFoundError('Chat session not found')
        if (owner.user_id !== userId) throw new ForbiddenError('Only the session owner can record tool calls')
        throw new NotFoundError('Chat message not found in this session')
      })
      return toChatToolCall(row)
    },

    async get(rawId) {
      const id = parseInput(ChatId, rawId, what)
      const row = await run((trx) =>
        trx.selectFrom('chat_tool_calls').selectAll().where('id', '=', id).executeTakeFirst(),
      )
      if (!row) throw new NotFoundError('Tool call not found')
      return toChatToolCall(row)
    },

    async start(rawId) {
      const id = parseInput(ChatId, rawId, what)
      return transition(id, { status: 'running' })
    },

    async complete(rawId, rawResult) {
      const { id, result } = parseInput(CompleteToolCallInput, { id: rawId, result: rawResult }, what)
      return transition(id, { status: 'completed', result: jsonb(result) })
    },

    async fail(rawId, rawErrorMessage) {
      const { id, errorMessage } = parseInput(FailToolCallInput, { id: rawId, errorMessage: rawErrorMessage }, what)
      return transition(id, { status: 'failed', error_message: errorMessage })
    },
  }
}
