import type { Scope } from './scope.js'

/** Scopes bound to an open `me.transaction` (see `client.ts`). */
const bound = new WeakSet<Scope>()

/**
 * Records that `scope` is bound to an open transaction, so a repository can refuse what must run
 * in a transaction of its own (on PGlite a second transaction would wait for this one forever).
 *
 * @param scope - a scope returned by `bindScope`
 */
export function markBoundScope<S extends Scope>(scope: S): S {
  bound.add(scope)
  return scope
}

/**
 * True when `scope` is bound to an open transaction (`me.transaction`).
 *
 * @param scope - any scope
 */
export function isBoundScope(scope: Scope): boolean {
  return bound.has(scope)
}
