/**
 * The lexical screen of SQL sent through a user scope's escape hatch (`me.transaction(({ db }) =>
 * …)`, `me.scope.run(…)`): it refuses, before anything reaches the database, every statement that
 * could change the scope's role or claims, directly or through dynamic SQL. It errs on the side of
 * refusing; see `docs/decisions/0008-security-user-scope-sandbox.md` for what it covers and what it
 * cannot.
 */

/** A statement the escape hatch refuses, and why (a fixed phrase: never echoes the SQL). */
export type ScreenRefusal =
  | 'changes the role or session authorization'
  | 'changes a protected setting'
  | 'runs dynamic SQL'
  | 'defines or alters database objects'
  | 'uses Unicode escapes'
  | 'is not valid SQL text'

/** Functions that run a query given as text, in the caller's session. */
const dynamicSqlFunctions =
  /\b(query_to_xml|query_to_xmlschema|query_to_xml_and_xmlschema|cursor_to_xml|cursor_to_xmlschema|ts_stat|dblink\w*)\s*\(/

/** Statements a user scope has no business running (DDL and privileges, DO blocks, LOAD). */
const refusedStatements = /^(do|create|alter|drop|grant|revoke|comment|security|load|import|reassign|refresh)\b/

/** A scope change spelt inside a string literal. */
const hiddenScopeChange = /set_config|\b(set|reset)\s+(local\s+|session\s+)?(role|session|request)\b/i

/** Settings that carry the scope's identity; nobody inside a user scope may change them. */
function isProtectedSetting(name: string): boolean {
  return name === 'role' || name === 'session_authorization' || name === 'all' || name.startsWith('request.')
}

interface ScannedSql {
  /** The SQL with comments removed, literals replaced by `'#n'` (n = index in `literals`), identifier quotes dropped, lowercased. */
  code: string
  /** The contents of the string literals, in order. */
  literals: string[]
}

/**
 * Splits SQL text into code and literals: comments become spaces, string and dollar-quoted
 * literals become numbered placeholders, quoted identifiers lose their quotes. Returns null when a
 * literal or comment never ends (Postgres would refuse the text too).
 */
function scan(text: string): ScannedSql | null {
  let code = ''
  const literals: string[] = []
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text[i] as string
    const next = text[i + 1]
    if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i)
      i = end === -1 ? n : end + 1
      code += ' '
    } else if (c === '/' && next === '*') {
      let depth = 1
      i += 2
      while (i < n && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') {
          depth++
          i += 2
        } else if (text[i] === '*' && text[i + 1] === '/') {
          depth--
          i += 2
        } else i++
      }
      if (depth > 0) return null
      code += ' '
    } else if (c === "'") {
      // E'…' (backslash escapes) when the previous character is an E that starts a word.
      const escaped = /(^|[^a-z0-9_$])e$/i.test(text.slice(Math.max(0, i - 2), i))
      let value = ''
      i++
      for (;;) {
        if (i >= n) return null
        const ch = text[i] as string
        if (escaped && ch === '\\') {
          value += text.slice(i, i + 2)
          i += 2
        } else if (ch === "'" && text[i + 1] === "'") {
          value += "'"
          i += 2
        } else if (ch === "'") {
          i++
          break
        } else {
          value += ch
          i++
        }
      }
      code += `'#${literals.length}'`
      literals.push(escaped ? `\u0000${value}` : value)
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1)
      if (end === -1) return null
      // A doubled quote inside an identifier reads as one quote; no setting or function we look
      // for has one, so keeping both is harmless.
      code += text.slice(i + 1, end).toLowerCase()
      i = end + 1
    } else if (c === '$' && /^\$([a-z_][a-z0-9_]*)?\$/i.test(text.slice(i)) && !/[a-z0-9_]$/i.test(code)) {
      const tag = (/^\$([a-z_][a-z0-9_]*)?\$/i.exec(text.slice(i)) as RegExpExecArray)[0]
      const end = text.indexOf(tag, i + tag.length)
      if (end === -1) return null
      code += `'#${literals.length}'`
      literals.push(text.slice(i + tag.length, end))
      i = end + tag.length
    } else {
      code += c.toLowerCase()
      i++
    }
  }
  return { code, literals }
}

/** The literal a placeholder stands for, when `token` is exactly one placeholder. */
function literalOf(token: string, literals: string[]): string | null {
  const m = /^'#(\d+)'$/.exec(token.trim())
  return m ? (literals[Number(m[1])] ?? null) : null
}

/**
 * Why `text` may not run inside a user scope, or null when it may. Refused: `SET`/`RESET` of
 * `role`, `session authorization`, `request.*` or `all`; `set_config` unless its first argument is
 * a plain literal naming an unprotected setting; `DO` blocks and DDL; functions that run SQL given
 * as text (`query_to_xml`, `ts_stat`…); Unicode escapes (`U&'…'`) that could spell any of these.
 * String literals and dollar-quoted bodies are searched too, so SQL hidden in them is refused.
 *
 * @param text - the SQL text of one query (it may hold several statements)
 */
export function screenUserScopeSql(text: string): ScreenRefusal | null {
  const scanned = scan(text)
  if (!scanned) return 'is not valid SQL text'
  const { code, literals } = scanned
  if (/\bu&\s*'/.test(code) || /\bu&\s*"/.test(text.toLowerCase())) return 'uses Unicode escapes'
  // Everything that runs SQL given as text is refused below; a literal that reads like a
  // scope change is refused as well, in case some function of the database runs it.
  for (const literal of literals) {
    if (hiddenScopeChange.test(literal)) return 'changes the role or session authorization'
  }
  if (dynamicSqlFunctions.test(code)) return 'runs dynamic SQL'
  for (const m of code.matchAll(/\bset_config\s*\(([^,)]*)[,)]/g)) {
    const name = literalOf(m[1] ?? '', literals)
    if (name === null || name.startsWith('\u0000') || !/^[a-z0-9_.]+$/i.test(name)) return 'changes a protected setting'
    if (isProtectedSetting(name.toLowerCase())) return 'changes a protected setting'
  }
  for (const raw of code.split(';')) {
    const statement = raw.trim().replace(/^\(+\s*/, '')
    if (refusedStatements.test(statement)) {
      return statement.startsWith('do') ? 'runs dynamic SQL' : 'defines or alters database objects'
    }
    const set = /^(set|reset)\s+(.*)$/s.exec(statement)
    if (set) {
      const rest = (set[2] as string).replace(/^(local|session)\s+/, '')
      if (/\bauthorization\b/.test(rest) || /^role\b/.test(rest)) return 'changes the role or session authorization'
      const name = (/^([a-z0-9_.\s]+?)(\s+to\b|\s*=|\s*$)/.exec(rest)?.[1] ?? rest).replace(/\s+/g, '')
      if (isProtectedSetting(name)) return 'changes a protected setting'
    }
  }
  return null
}
