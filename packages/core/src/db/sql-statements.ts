/**
 * Splits a SQL script into its top-level statements, the way the Supabase CLI records them in
 * `supabase_migrations.schema_migrations.statements`. Understands `--` and nested `/* *\/`
 * comments, single-quoted and `E''` strings, quoted identifiers and dollar-quoted bodies, so a
 * `;` inside any of those never splits. Statements are returned trimmed, without the `;`;
 * pieces holding only comments or whitespace are dropped.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = []
  let start = 0
  let i = 0
  const n = script.length
  while (i < n) {
    const c = script[i]
    const next = script[i + 1]
    if (c === '-' && next === '-') {
      const end = script.indexOf('\n', i)
      i = end === -1 ? n : end + 1
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(script, i)
    } else if (c === "'") {
      const escaping = i > 0 && /[eE]/.test(script[i - 1] ?? '') && !/[\w$]/.test(script[i - 2] ?? '')
      i = skipQuoted(script, i, "'", escaping)
    } else if (c === '"') {
      i = skipQuoted(script, i, '"', false)
    } else if (c === '$' && !/[\w$]/.test(script[i - 1] ?? '')) {
      const tag = /^\$([A-Za-z_][\w]*)?\$/.exec(script.slice(i, i + 64))
      if (tag) {
        const end = script.indexOf(tag[0], i + tag[0].length)
        i = end === -1 ? n : end + tag[0].length
      } else {
        i++
      }
    } else if (c === ';') {
      push(statements, script.slice(start, i))
      i++
      start = i
    } else {
      i++
    }
  }
  push(statements, script.slice(start))
  return statements
}

function push(statements: string[], piece: string): void {
  const trimmed = piece.trim()
  if (trimmed && stripComments(trimmed).trim()) statements.push(trimmed)
}

function skipBlockComment(script: string, from: number): number {
  let depth = 0
  let i = from
  while (i < script.length) {
    if (script[i] === '/' && script[i + 1] === '*') {
      depth++
      i += 2
    } else if (script[i] === '*' && script[i + 1] === '/') {
      depth--
      i += 2
      if (depth === 0) return i
    } else {
      i++
    }
  }
  return i
}

function skipQuoted(script: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1
  while (i < script.length) {
    const c = script[i]
    if (backslashEscapes && c === '\\') {
      i += 2
    } else if (c === quote) {
      if (script[i + 1] === quote) {
        i += 2
      } else {
        return i + 1
      }
    } else {
      i++
    }
  }
  return i
}

/** Removes comments outside strings; used to decide whether a piece holds any SQL at all. */
function stripComments(piece: string): string {
  return piece.replace(/\/\*[\s\S]*?\*\//g, '').replace(/--[^\n]*/g, '')
}

/** The form two versions of one statement are compared in: whitespace runs collapsed. */
export function normalizeStatement(statement: string): string {
  return statement.replace(/\s+/g, ' ').trim()
}
