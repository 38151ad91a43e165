import { sql } from 'kysely'
import { jsonbValue } from '../db/json-param.js'
import { oneStatement, runInScope, scopeUserId } from '../db/run-in-scope.js'
import type { Scope, ScopedTransaction } from '../db/scope.js'
import { timestamptzFromText } from '../db/temporal-param.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js'
import { decodeCursor, type Page, toPage } from '../pagination.js'
import { parseInput } from '../validation.js'
import { toChatSession } from './rows.js'
import { ChatId, type ChatSession, CreateChatSessionInput, ListChatSessionsInput } from './schema.js'

/** `me.chat.sessions`: conversations, optionally linked to a trip. */
export interface ChatSessionsRepository {
  /**
   * Starts a session owned by the user. With `tripId`, the trip must be one the user can access
   * (owner or any collaborator), else `not_found`; the trip's collaborators can then read it.
   */
  create(input?: CreateChatSessionInput): Promise<ChatSession>
  /** The session; `not_found` when it does not exist or the user cannot read it. */
  get(id: string): Promise<ChatSession>
  /** The session, or null when it does not exist or the user cannot read it. */
  find(id: string): Promise<ChatSession | null>
  /**
   * Newest first (keyset on `created_at, id`). Without `tripId`: the user's own sessions; with it:
   * the sessions linked to that trip that the user can read (an empty page for a trip they cannot
   * see).
   */
  list(input?: ListChatSessionsInput): Promise<Page<ChatSession>>
  /**
   * Ends the session (sets `endedAt`); it then takes no new messages or tool calls. Idempotent:
   * ending an ended session returns it unchanged. Only the owner ends a session: `forbidden` for
   * a collaborator who can read it, `not_found` when the user cannot see it.
   */
  end(id: string): Promise<ChatSession>
}

const what = 'chat session'

// Microsecond precision: a JavaScript Date would round the cursor and skip or repeat rows.
const cursorCreatedAt = sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
const cursorTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function decodeSessionCursor(cursor: string): [string, string] {
  const [createdAt, id] = decodeCursor(cursor, 2)
  if (typeof createdAt === 'string' && cursorTimestamp.test(createdAt) && typeof id === 'string' && uuid.test(id)) {
    return [createdAt, id]
  }
  throw new ValidationError('Invalid cursor', {
    details: { issues: [{ path: 'cursor', message: 'malformed cursor' }] },
  })
}

/**
 * Builds `me.chat.sessions` over a user scope.
 *
 * @param scope - the user scope (or one bound to an open transaction)
 */
export function createChatSessionsRepository(scope: Scope): ChatSessionsRepository {
  const userId = scopeUserId(scope)
  // Every call here sends one statement, or one write followed only by a read explaining an
  // empty result: each statement may commit on its own, `commit` in its flight (one round trip).
  const run = <T>(fn: (trx: ScopedTransaction) => Promise<T>) => runInScope(scope, what, fn, oneStatement)

  const find = async (rawId: string): Promise<ChatSession | null> => {
    const id = parseInput(ChatId, rawId, what)
    const row = await run((trx) => trx.selectFrom('chat_sessions').selectAll().where('id', '=', id).executeTakeFirst())
    return row ? toChatSession(row) : null
  }

  return {
    async create(rawInput) {
      const input = parseInput(CreateChatSessionInput, rawInput === undefined ? {} : rawInput, what)
      const values = {
        user_id: userId,
        trip_id: input.tripId ?? null,
        title: input.title ?? null,
        metadata: jsonbValue<string>(input.metadata ?? {}),
      }
      const row = await run((trx) => {
        const tripId = input.tripId
        if (!tripId) return trx.insertInto('chat_sessions').values(values).returningAll().executeTakeFirst()
        // Insert only when the trip is visible (visible = accessible): an unknown or foreign trip
        // then reads as not_found instead of an RLS error that would confirm it exists.
        return trx
          .insertInto('chat_sessions')
          .columns(['user_id', 'trip_id', 'title', 'metadata'])
          .expression(
            trx
              .selectFrom('trips')
              .where('trips.id', '=', tripId)
              .select([
                sql<string>`${userId}::uuid`.as('user_id'),
                'trips.id',
                sql<string | null>`${values.title}::text`.as('title'),
                values.metadata.as('metadata'),
              ]),
          )
          .returningAll()
          .executeTakeFirst()
      })
      if (!row) throw new NotFoundError('Trip not found')
      return toChatSession(row)
    },

    async get(id) {
      const session = await find(id)
      if (!session) throw new NotFoundError('Chat session not found')
      return session
    },

    find,

    async list(rawInput) {
      const input = parseInput(ListChatSessionsInput, rawInput === undefined ? {} : rawInput, what)
      const after = input.cursor === undefined ? null : decodeSessionCursor(input.cursor)
      const rows = await run((trx) => {
        let query = trx.selectFrom('chat_sessions').selectAll().select(cursorCreatedAt.as('cursor_created_at'))
        query = input.tripId ? query.where('trip_id', '=', input.tripId) : query.where('user_id', '=', userId)
        if (after) {
          query = query.where((eb) =>
            eb(
              eb.refTuple('created_at', 'id'),
              '<',
              eb.tuple(timestamptzFromText(after[0]), sql<string>`${after[1]}::uuid`),
            ),
          )
        }
        return query
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(input.limit + 1)
          .execute()
      })
      return toPage(rows, input.limit, (row) => [row.cursor_created_at, row.id], toChatSession)
    },

    async end(rawId) {
      const id = parseInput(ChatId, rawId, what)
      const row = await run(async (trx) => {
        const ended = await trx
          .updateTable('chat_sessions')
          .set({ ended_at: sql<string>`now()` })
          .where('id', '=', id)
          .where('ended_at', 'is', null)
          .returningAll()
          .executeTakeFirst()
        if (ended) return ended
        // Nothing updated: already ended (idempotent), not the owner, or invisible.
        const existing = await trx.selectFrom('chat_sessions').selectAll().where('id', '=', id).executeTakeFirst()
        if (!existing) throw new NotFoundError('Chat session not found')
        if (existing.user_id !== userId) throw new ForbiddenError('Only the session owner can end a chat session')
        return existing
      })
      return toChatSession(row)
    },
  }
}
