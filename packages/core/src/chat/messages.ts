import { sql } from 'kysely'
import { jsonbFromText } from '../db/json-param.js'
import { oneStatement, runInScope, scopeUserId } from '../db/run-in-scope.js'
import type { Scope, ScopedTransaction } from '../db/scope.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js'
import type { JsonObject } from '../json-value.js'
import { decodeCursor, type Page, toPage } from '../pagination.js'
import { parseInput } from '../validation.js'
import { chatHistoryQuery } from './history-query.js'
import { toChatMessage } from './rows.js'
import { AppendChatMessagesInput, ChatHistoryInput, ChatId, type ChatMessage, type ChatMessageInput } from './schema.js'
import type { LoadUIMessagesInput, UIMessageLike } from './ui-message-schema.js'
import { loadUIMessages, type SaveUIMessagesResult, saveUIMessages } from './ui-messages.js'

/** `me.chat.messages`: the immutable messages of a session. */
export interface ChatMessagesRepository {
  /**
   * Appends one message to a session the user owns, in one statement. `not_found` when the user
   * cannot see the session, `forbidden` when they can read it but do not own it (a trip
   * collaborator), `conflict` when it has ended.
   */
  append(sessionId: string, message: ChatMessageInput): Promise<ChatMessage>
  /**
   * Appends 1–100 messages in one statement, in the given order (their `seq` increase in array
   * order); all or none are written. Errors as for a single message.
   */
  append(sessionId: string, messages: readonly ChatMessageInput[]): Promise<ChatMessage[]>
  /**
   * One page of a session's messages, keyset-paged on `seq`: `newest` first (default) or
   * `oldest` first. Pages never repeat or skip a message, even while messages are being
   * appended. `not_found` when the user cannot read the session.
   */
  history(sessionId: string, options?: ChatHistoryInput): Promise<Page<ChatMessage>>
  /** How many messages the session has; `not_found` when the user cannot read the session. */
  count(sessionId: string): Promise<number>
  /**
   * Saves AI SDK `UIMessage`s (1–500, in conversation order) losslessly: id, role, metadata and
   * every part, verbatim as JSON. An upsert by message id in one transaction, so passing the
   * whole history that `useChat` sends is the intended use: new messages are appended in the
   * order given, a stored message is updated only when the copy given is further along (a stale
   * or repeated copy changes nothing), and tool parts are mirrored into `chat_tool_calls` (with
   * `providerExecuted`). The text of text parts goes to `content`, which search and memory sync
   * read. Messages are never deleted by leaving them out.
   *
   * `validation` for anything the AI SDK's `validateUIMessages` would refuse or Postgres could not
   * store (nothing is written); `not_found` / `forbidden` as for `append`; `conflict` when the
   * session has ended and a message would change, or an id is stored with another role.
   *
   * @param sessionId - the session (one the caller owns)
   * @param messages - the messages, e.g. `useChat`'s `messages` or `toUIMessageStreamResponse`'s `onFinish` `messages`
   */
  saveUIMessages(sessionId: string, messages: readonly UIMessageLike[]): Promise<SaveUIMessagesResult>
  /**
   * The newest `limit` messages of a session (default 100, at most 500), or the newest ones
   * older than the message `before`, in conversation order, as AI SDK `UIMessage`s: they pass
   * `validateUIMessages`. Messages appended with `append` load as one text part; the legacy role
   * `tool` loads as `assistant`. `not_found` when the user cannot read the session or `before` is
   * not a message of it.
   *
   * @typeParam MESSAGE - your app's `UIMessage<…>` type (run `validateUIMessages` with your tools
   *   and schemas when you need them checked)
   */
  loadUIMessages<MESSAGE extends UIMessageLike = UIMessageLike>(
    sessionId: string,
    options?: LoadUIMessagesInput,
  ): Promise<MESSAGE[]>
}

const what = 'chat message'

function decodeHistoryCursor(cursor: string, order: 'newest' | 'oldest'): number {
  const [cursorOrder, seq] = decodeCursor(cursor, 2)
  if (cursorOrder === order && typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0) return seq
  throw new ValidationError('Invalid cursor', {
    details: { issues: [{ path: 'cursor', message: `not a cursor of a history page in ${order} order` }] },
  })
}

/** Throws `not_found` unless the user can read the session. */
async function assertSessionVisible(trx: ScopedTransaction, sessionId: string): Promise<void> {
  const session = await trx.selectFrom('chat_sessions').select('id').where('id', '=', sessionId).executeTakeFirst()
  if (!session) throw new NotFoundError('Chat session not found')
}

/**
 * Builds `me.chat.messages` over a user scope.
 *
 * @param scope - the user scope (or one bound to an open transaction)
 */
export function createChatMessagesRepository(scope: Scope): ChatMessagesRepository {
  const userId = scopeUserId(scope)

  async function append(rawSessionId: string, rawMessages: ChatMessageInput | readonly ChatMessageInput[]) {
    const single = !Array.isArray(rawMessages)
    const { sessionId, messages } = parseInput(
      AppendChatMessagesInput,
      { sessionId: rawSessionId, messages: single ? [rawMessages] : rawMessages },
      what,
    )
    // The whole batch travels as one jsonb parameter: one statement, any batch size.
    const batch = JSON.stringify(
      messages.map((m, ord) => ({ ord, role: m.role, content: m.content, metadata: m.metadata ?? {} })),
    )
    const rows = await runInScope(
      scope,
      what,
      async (trx) => {
        // Locking the session row (FOR NO KEY UPDATE) serializes appends to one session, so `seq`
        // order is commit order there and keyset paging never skips a message committed late. The
        // lock also filters the row to its owner (RLS applies UPDATE policies to locking reads).
        const session = trx
          .selectFrom('chat_sessions')
          .select('id')
          .where('id', '=', sessionId)
          .forNoKeyUpdate()
          .as('session')
        const input = sql<{ ord: number; role: string; content: string; metadata: JsonObject }>`(
        select * from jsonb_to_recordset(${jsonbFromText(batch)}) as r(ord integer, role text, content text, metadata jsonb)
      )`.as('input')
        const inserted = await trx
          .insertInto('chat_messages')
          .columns(['session_id', 'user_id', 'role', 'content', 'metadata'])
          .expression(
            trx
              .selectFrom(session)
              .crossJoin(input)
              .select([
                'session.id',
                sql<string>`${userId}::uuid`.as('user_id'),
                'input.role',
                'input.content',
                'input.metadata',
              ])
              // ORDER BY keeps the subquery from being flattened, so identity values follow it.
              .orderBy('input.ord'),
          )
          .returningAll()
          .execute()
        if (inserted.length > 0) return inserted
        // Nothing written: the session is invisible, or visible but someone else's.
        await assertSessionVisible(trx, sessionId)
        throw new ForbiddenError('Only the session owner can append messages')
        // The insert is the only write; the check after it runs only when it wrote nothing.
      },
      oneStatement,
    )
    const appended = rows.map(toChatMessage).sort((a, b) => a.seq - b.seq)
    return single ? (appended[0] as ChatMessage) : appended
  }

  return {
    append: append as ChatMessagesRepository['append'],

    saveUIMessages: (sessionId, messages) => saveUIMessages(scope, sessionId, messages),

    loadUIMessages: (sessionId, options) => loadUIMessages(scope, sessionId, options),

    async history(rawSessionId, rawOptions) {
      const sessionId = parseInput(ChatId, rawSessionId, what)
      const options = parseInput(ChatHistoryInput, rawOptions === undefined ? {} : rawOptions, 'chat history options')
      const afterSeq = options.cursor === undefined ? null : decodeHistoryCursor(options.cursor, options.order)
      const rows = await runInScope(
        scope,
        what,
        async (trx) => {
          const page = await chatHistoryQuery(trx, sessionId, {
            order: options.order,
            fetch: options.limit + 1,
            afterSeq,
          }).execute()
          // An empty page is the only case where an unreadable session could hide: ask once.
          if (page.length === 0) await assertSessionVisible(trx, sessionId)
          return page
        },
        oneStatement,
      )
      return toPage(rows, options.limit, (row) => [options.order, Number(row.seq)], toChatMessage)
    },

    async count(rawSessionId) {
      const sessionId = parseInput(ChatId, rawSessionId, what)
      const row = await runInScope(
        scope,
        what,
        (trx) =>
          trx
            .selectFrom('chat_sessions as s')
            .where('s.id', '=', sessionId)
            .select((eb) =>
              eb
                .selectFrom('chat_messages as m')
                .whereRef('m.session_id', '=', 's.id')
                .select(sql<number>`count(*)::integer`.as('n'))
                .as('count'),
            )
            .executeTakeFirst(),
        oneStatement,
      )
      if (!row) throw new NotFoundError('Chat session not found')
      return Number(row.count)
    },
  }
}
