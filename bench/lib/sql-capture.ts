/**
 * Captures the SQL an SDK call sends (Kysely's `log` hook on a second instance over the same
 * driver) and replays its data statements raw, so the baseline is exactly the SDK's own SQL
 * without the SDK: no input parsing, no scope, no row mapping.
 */
import type { TripSageDatabase } from '@tripsage/core'
import { type CompiledQuery, type Dialect, Kysely, sql } from 'kysely'

/** Scope and transaction plumbing, as opposed to the statements doing the call's work. */
export function isScopeStatement(statement: string): boolean {
  const s = statement.trim().toLowerCase()
  return /^(begin|commit|rollback)\b/.test(s) || s.startsWith("select set_config('role'")
}

/** A Kysely instance that records every statement it runs. */
export function capturingKysely(dialect: Dialect): { db: Kysely<TripSageDatabase>; take(): CompiledQuery[] } {
  let captured: CompiledQuery[] = []
  const db = new Kysely<TripSageDatabase>({
    dialect,
    log: (event) => {
      if (event.level === 'query') captured.push(event.query)
    },
  })
  return {
    db,
    take() {
      const out = captured
      captured = []
      return out
    },
  }
}

/** Runs `statements` raw through `db`, one after the other, outside any transaction. */
export async function replay(
  db: Kysely<TripSageDatabase>,
  statements: readonly CompiledQuery[],
  parameters?: (p: readonly unknown[]) => readonly unknown[],
): Promise<void> {
  for (const statement of statements)
    await db.executeQuery(parameters ? { ...statement, parameters: parameters(statement.parameters) } : statement)
}

/**
 * The previous scope, for comparison: a Kysely transaction, a `set_config` statement, the
 * statements, commit (what `Scope.run` did before the one-message entry).
 */
export function replayInKyselyTransaction(
  db: Kysely<TripSageDatabase>,
  claims: object,
  statements: readonly CompiledQuery[],
  parameters?: (p: readonly unknown[]) => readonly unknown[],
): Promise<void> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${JSON.stringify({ ...claims, role: 'authenticated' })}, true)`.execute(
      trx,
    )
    for (const statement of statements)
      await trx.executeQuery(parameters ? { ...statement, parameters: parameters(statement.parameters) } : statement)
  })
}

/**
 * The extra transaction-local settings a call's scope statement set (e.g. `hnsw.ef_search` for
 * memory search), read from the captured statements of the Kysely-transaction path:
 * `set_config('role', $1, true), set_config('request.jwt.claims', $2, true), set_config($3, $4, true)…`.
 */
export function scopeSettings(statements: readonly CompiledQuery[]): Record<string, string> {
  const settings: Record<string, string> = {}
  for (const statement of statements) {
    if (!statement.sql.trim().toLowerCase().startsWith("select set_config('role'")) continue
    const p = statement.parameters
    for (let i = 2; i + 1 < p.length; i += 2) settings[String(p[i])] = String(p[i + 1])
  }
  return settings
}

/**
 * Sets `settings` for the whole session while `fn` runs, so raw replays plan with the same
 * settings the SDK's scope gives its statements (PGlite and pglite-socket share one session).
 */
export async function withSessionSettings<T>(
  db: Kysely<TripSageDatabase>,
  settings: Record<string, string>,
  fn: () => Promise<T>,
): Promise<T> {
  const names = Object.keys(settings)
  for (const name of names) await sql`select set_config(${name}, ${settings[name]!}, false)`.execute(db)
  try {
    return await fn()
  } finally {
    for (const name of names) await sql.raw(`reset ${name.replace(/[^a-z0-9_.]/gi, '')}`).execute(db)
  }
}
