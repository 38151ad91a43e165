/** One memory library under comparison, driven through its public API only. */
import type { CorpusMemory, CorpusQuery } from '../lib/corpus.js'

/** What the peer suite gives every library. */
export interface LibraryContext {
  /** OpenAI-compatible base URL of the local embeddings server. */
  embeddingsURL: string
  /** `postgres://…` of the shared database (pglite-socket). */
  databaseURL: string
  /** The user ids (UUIDs) of the corpus's users, by index. */
  userIds: readonly string[]
  /** The doc of a text (texts are unique), to map results back. */
  docOf(text: string): number | undefined
}

/** The outcome of a per-user isolation probe. */
export interface IsolationOutcome {
  /** True when user A cannot read user B's memories through the library, however it is called. */
  holds: boolean
  /** What was tried and what happened. */
  how: string
}

/** A library adapter. */
export interface Library {
  readonly name: string
  /** Index and store settings, for the report. */
  readonly setup: string
  /** Stores one batch of one user's memories (the library embeds them itself). */
  insertBatch(user: number, batch: readonly CorpusMemory[]): Promise<void>
  /** Builds a vector index after the load, if the library does it that way; ms, or null. */
  buildIndex(): Promise<number | null>
  /** Top-`k` docs for a query, as the query's user. */
  search(query: CorpusQuery, k: number): Promise<number[]>
  /** Tries to read another user's memory (a = asker, b = owner of `victim`). */
  isolation(a: number, b: number, victim: CorpusMemory): Promise<IsolationOutcome>
  close(): Promise<void>
}
