/** One pgTAP assertion's outcome. */
export interface TapAssertion {
  /** The assertion number. */
  readonly n: number
  /** True for `ok`, false for `not ok`. */
  readonly ok: boolean
  /** The text after the number, without directives. */
  readonly description: string
  /** `# …` diagnostic lines that followed it (have/want on failure). */
  readonly diagnostics: string[]
  /** True for `# SKIP` / `# TODO` directives, which do not fail the file. */
  readonly skipped: boolean
}

/** The parsed TAP of one pgTAP file. */
export interface TapFileResult {
  /** The planned number of assertions (`1..N`), or null when no plan was printed. */
  readonly planned: number | null
  /** Every `ok` / `not ok` line, in order. */
  readonly assertions: TapAssertion[]
  /** Set when the file aborted with an SQL error before `finish()`. */
  readonly error: string | null
  /** True when every assertion passed, the plan matched and nothing aborted. */
  readonly passed: boolean
  /** Every TAP line, in order. */
  readonly lines: string[]
}

/** The slice of PGlite (or any client) needed to run a multi-statement script. */
export interface ScriptRunner {
  /** Runs a multi-statement SQL script and returns each statement's result rows (PGlite's `exec`). */
  exec(sql: string): Promise<
    Array<{
      /** The rows one statement returned. */
      rows: Array<Record<string, unknown>>
    }>
  >
}

/**
 * Runs one pgTAP file (`begin; select plan(n); …; select * from finish(); rollback;`) and parses
 * its TAP output. The database needs the `pgtap` extension (`@electric-sql/pglite-pgtap` on
 * PGlite). When the file aborts, the open transaction is rolled back.
 *
 * @param db - a PGlite instance (or anything with a compatible `exec`)
 * @param sql - the file's text
 */
export async function runPgTap(db: ScriptRunner, sql: string): Promise<TapFileResult> {
  const lines: string[] = []
  let error: string | null = null
  try {
    const results = await db.exec(sql)
    for (const result of results) {
      for (const row of result.rows) {
        for (const value of Object.values(row)) {
          if (typeof value === 'string') lines.push(...value.split('\n'))
        }
      }
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e)
    await db.exec('rollback').catch(() => undefined)
  }
  return parseTap(lines, error)
}

/**
 * Parses TAP lines as pgTAP prints them.
 *
 * @param lines - the TAP lines
 * @param error - an abort message, if the script failed
 */
export function parseTap(lines: string[], error: string | null = null): TapFileResult {
  let planned: number | null = null
  const assertions: TapAssertion[] = []
  for (const line of lines) {
    const plan = /^1\.\.(\d+)/.exec(line)
    if (plan) {
      planned = Number(plan[1])
      continue
    }
    const test = /^(not ok|ok) (\d+)(?: - )?(.*)$/.exec(line)
    if (test) {
      const description = test[3] ?? ''
      assertions.push({
        n: Number(test[2]),
        ok: test[1] === 'ok',
        description,
        diagnostics: [],
        skipped: /#\s*(SKIP|TODO)/i.test(description),
      })
      continue
    }
    if (line.startsWith('#') && assertions.length > 0) assertions.at(-1)?.diagnostics.push(line)
  }
  const passed =
    error === null && planned !== null && planned === assertions.length && assertions.every((a) => a.ok || a.skipped)
  return { planned, assertions, error, passed, lines }
}
