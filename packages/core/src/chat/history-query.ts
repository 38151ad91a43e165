import type { Kysely } from 'kysely'
import type { TripSageDatabase } from '../db/schema.js'

/** The keyset of one history page. */
export interface HistoryPageKey {
  /** `newest` pages by descending `seq`, `oldest` by ascending `seq`. */
  readonly order: 'newest' | 'oldest'
  /** Rows to fetch: the page size plus one (the extra row only says whether a next page exists). */
  readonly fetch: number
  /** The `seq` of the previous page's last message; the page continues strictly past it. */
  readonly afterSeq: number | null
}

/**
 * The one statement behind `me.chat.messages.history`: an index range scan on
 * `chat_messages_session_id_seq_idx (session_id, seq)` in either direction, stopping after
 * `fetch` rows. Exported for the plan test, which EXPLAINs exactly this query; not public API.
 *
 * @param db - the scoped transaction (RLS applies) or any Kysely instance
 * @param sessionId - the session
 * @param key - direction, size and position
 */
export function chatHistoryQuery(db: Kysely<TripSageDatabase>, sessionId: string, key: HistoryPageKey) {
  let query = db.selectFrom('chat_messages').selectAll().where('session_id', '=', sessionId)
  if (key.afterSeq !== null) query = query.where('seq', key.order === 'newest' ? '<' : '>', key.afterSeq)
  return query.orderBy('seq', key.order === 'newest' ? 'desc' : 'asc').limit(key.fetch)
}
