import type { ColumnType } from 'kysely'
import type { KyselifyDatabase } from 'kysely-supabase'
import type { Database } from './database.types.js'

/** Tables whose `embedding` column is a pgvector `vector(1536)`. */
type VectorTables = 'memories' | 'session_memories'

/**
 * pgvector columns read as `number[]` once parsed by the SDK, and are written as `number[]` or
 * the `'[1,2,…]'` text form.
 */
export type VectorColumn = ColumnType<number[], number[] | string, number[] | string>

type Kyselified = KyselifyDatabase<Database>

/**
 * The Kysely database type of the TripSage schema, generated from the migrations
 * (`database.types.ts`, via `kysely-supabase`), with vector columns typed as `number[]`.
 */
export type TripSageDatabase = {
  [T in keyof Kyselified]: T extends VectorTables
    ? Omit<Kyselified[T], 'embedding'> & {
        /** The pgvector `vector(1536)` embedding, read as `number[]`. */
        embedding: VectorColumn
      }
    : Kyselified[T]
}

/** The generated Supabase `Database` type (same shape as `supabase gen types typescript`). */
export type { Database }
