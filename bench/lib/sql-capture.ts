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
