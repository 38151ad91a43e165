import { CompiledQuery, type Kysely } from 'kysely'

/** One node of `EXPLAIN (ANALYZE, FORMAT JSON)`, with the fields the plan tests read. */
export interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  'Scan Direction'?: string
  'Actual Rows'?: number
  Plans?: PlanNode[]
}

/** The node and every node below it, depth first. */
export function planNodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(planNodes)]
}

/**
 * Runs `statement` under `EXPLAIN (ANALYZE, FORMAT JSON)` on `db` (a user's transaction, so RLS
 * applies) and returns the plan's root. PGlite and pg return the JSON parsed, postgres.js as text.
 */
export async function explainAnalyze(
  db: Pick<Kysely<unknown>, 'executeQuery'>,
  statement: CompiledQuery,
): Promise<PlanNode> {
  const result = await db.executeQuery<{ 'QUERY PLAN': unknown }>(
    CompiledQuery.raw(`explain (analyze, format json) ${statement.sql}`, [...statement.parameters]),
  )
  const row = result.rows[0]?.['QUERY PLAN']
  return (typeof row === 'string' ? JSON.parse(row) : row)[0].Plan as PlanNode
}
