import { CompiledQuery } from 'kysely'
import { ValidationError } from '../errors.js'

/** The Postgres role a scope runs as. */
export type ScopeRole = 'authenticated' | 'service_role'

/** Extra transaction-local settings of one scope run (GUC name → value). */
export type ScopeSettings = Readonly<Record<string, string>> | undefined

/**
 * `value` as a Postgres string literal that reads back as exactly `value`, whatever the server's
 * `standard_conforming_strings`: the `E'…'` form, with backslashes and quotes doubled. Throws on
 * NUL, which no Postgres string can hold.
 *
 * @param value - any string without NUL characters
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new ValidationError('A SQL literal cannot contain NUL characters')
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
}

/** `, set_config(name, value, true)` for each extra setting, as SQL text. */
function extraSettingsText(settings: ScopeSettings): string {
  return Object.entries(settings ?? {})
    .map(([name, value]) => `, set_config(${quoteLiteral(name)}, ${quoteLiteral(value)}, true)`)
    .join('')
}

/**
 * The statements that set a scope's role, claims and extra settings, transaction-locally, as SQL
 * text: two statements, so that a driver refusing several statements per message says so.
 */
export function settingsStatements(role: ScopeRole, claims: object, settings?: ScopeSettings): string {
  return `select set_config('role', ${quoteLiteral(role)}, true); select set_config('request.jwt.claims', ${quoteLiteral(JSON.stringify(claims))}, true)${extraSettingsText(settings)}`
}

/**
 * The one message that opens a scope: `begin`, then role and claims set transaction-locally. The
 * claims travel inlined as a literal, because a message with several statements must use the
 * simple query protocol, which has no parameters.
 *
 * @param role - the Postgres role of the scope
 * @param claims - the JWT claims (`request.jwt.claims`)
 * @param settings - extra transaction-local settings (names and values are inlined as literals too)
 */
export function scopeEntryStatement(role: ScopeRole, claims: object, settings?: ScopeSettings): string {
  return `begin; ${settingsStatements(role, claims, settings)}`
}

/**
 * One parameterised statement setting role, claims and extra settings transaction-locally: the
 * entry of a pipelined scope, sent right behind `begin`. Its text depends only on the number of
 * settings, so a driver that prepares statements (postgres.js) prepares it once per connection.
 *
 * @param role - the Postgres role of the scope
 * @param claims - the JWT claims
 * @param settings - extra transaction-local settings
 */
export function settingsQuery(role: ScopeRole, claims: object, settings?: ScopeSettings): CompiledQuery {
  const pairs: Array<[string, string]> = [
    ['role', role],
    ['request.jwt.claims', JSON.stringify(claims)],
    ...Object.entries(settings ?? {}),
  ]
  const calls = pairs.map((_, i) => `set_config($${2 * i + 1}::text, $${2 * i + 2}::text, true)`)
  return CompiledQuery.raw(`select ${calls.join(', ')}`, pairs.flat())
}
