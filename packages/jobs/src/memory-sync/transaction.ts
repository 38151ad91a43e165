import {
  type Embedder,
  ForbiddenError,
  NotFoundError,
  type ScopedTransaction,
  TripSageError,
  toTripSageError,
  type UserClient,
  type UserTransaction,
  ValidationError,
} from '@tripsage/core'

const what = 'memory'

/**
 * Runs `fn` in one transaction as the user; database failures become typed errors.
 *
 * @param me - the user client
 * @param fn - the work, given the Kysely transaction and the bound repositories
 */
export async function inTransaction<T>(
  me: UserClient,
  fn: (trx: ScopedTransaction, tx: UserTransaction) => Promise<T>,
): Promise<T> {
  try {
    return await me.transaction((tx) => fn(tx.db, tx))
  } catch (error) {
    throw toTripSageError(error, what)
  }
}

/**
 * The session must exist (visible to the user) and be owned by the user themself.
 *
 * @param trx - a user transaction
 * @param sessionId - the chat session
 * @param userId - the payload's user
 */
export async function assertOwnsSession(trx: ScopedTransaction, sessionId: string, userId: string): Promise<void> {
  const session = await trx.selectFrom('chat_sessions').select('user_id').where('id', '=', sessionId).executeTakeFirst()
  if (!session) throw new NotFoundError('Chat session not found')
  if (session.user_id !== userId) throw new ForbiddenError('The chat session belongs to another user')
}

/**
 * Embeds texts in one call; provider failures are `unavailable`, a wrong count `validation`.
 *
 * @param embedder - the job's embedder
 * @param texts - the texts, in order
 * @param signal - aborts the call
 */
export async function embedAll(
  embedder: Embedder,
  texts: string[],
  signal: AbortSignal | undefined,
): Promise<number[][]> {
  let vectors: number[][]
  try {
    vectors = await embedder.embed(texts, signal ? { signal } : undefined)
  } catch (error) {
    if (TripSageError.isInstance(error)) throw error
    throw new TripSageError('unavailable', `The embedder "${embedder.model}" failed`, {
      cause: error instanceof Error ? { name: error.name } : undefined,
      details: { model: embedder.model },
    })
  }
  if (!Array.isArray(vectors) || vectors.length !== texts.length) {
    throw new ValidationError(`The embedder "${embedder.model}" returned a wrong number of vectors`, {
      details: { option: 'embedder' },
    })
  }
  return vectors
}
