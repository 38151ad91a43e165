/**
 * postgres.js 3.4 runs up to two queries of its own on every new connection, and drops the
 * promise of each (upstream porsager/postgres #1192, #1205, #1223):
 *
 * - an array-type lookup (`select b.oid, b.typarray from pg_catalog.pg_type a left join
 *   pg_catalog.pg_type b on b.oid = a.typelem …`, `fetch_types`, on by default), awaited by an
 *   async function (`ReadyForQuery` → `fetchArrayTypes()` in its `connection.js`);
 * - with `target_session_attrs`, a session-state query (`show transaction_read_only; select
 *   pg_catalog.pg_is_in_recovery()`, `fetchState()`), executed and never awaited.
 *
 * When that connection dies before the answer (a restart, a pooler kill, a reset, a cancel), the
 * query rejects, the dropped promise rejects with it, and Node and Deno end the process on an
 * unhandled rejection. No caller can catch it.
 *
 * Turning the lookup off (`fetch_types: false`) is no way out: then `reserve()` never resolves
 * when it is what opens a connection (upstream #751, #1219), and arrays come back unparsed.
 */
const arrayTypeLookup =
  /from\s+pg_catalog\.pg_type\s+a\s+left\s+join\s+pg_catalog\.pg_type\s+b\s+on\s+b\.oid\s*=\s*a\.typelem/i

const sessionStateQuery = /show\s+transaction_read_only\s*;\s*select\s+pg_catalog\.pg_is_in_recovery\(\)/i

/** Marks a query class already guarded (`Symbol.for`, so two copies of the SDK agree). */
const guarded = Symbol.for('tripsage.postgresJs.startupQueriesGuarded')

/** The slice of a postgres.js instance the guard needs: building (not running) a query. */
export interface PostgresJsQueryBuilder {
  /** Builds a query; postgres.js sends it only once it is awaited or executed. */
  unsafe?(query: string): PromiseLike<unknown>
}

/**
 * Makes postgres.js's startup queries unable to end the process. When the array-type lookup fails,
 * it resolves with no types instead, so the promise postgres.js awaits and drops settles quietly;
 * when the session-state query of `target_session_attrs` fails, its rejection is marked handled.
 * Nothing else changes: each is the first query of a connection that is failing anyway (the
 * failure reaches the caller's own query, as `unavailable`), the types an earlier connection
 * fetched stay in the instance, and the next connection asks again.
 *
 * It wraps `then` and `execute` of postgres.js's query class (reached through a query built and
 * never sent) for those two query texts, once per class; every other query is untouched.
 * Idempotent. A no-op for an instance without `unsafe` or with a query class that has no `then`
 * of its own.
 *
 * @param sql - the postgres.js instance (`postgres(url, options)`)
 */
export function guardStartupQueries(sql: PostgresJsQueryBuilder): void {
  if (typeof sql.unsafe !== 'function') return
  const queryClass: unknown = Object.getPrototypeOf(sql.unsafe('select 1'))
  if (typeof queryClass !== 'object' || queryClass === null || queryClass === Promise.prototype) return
  const proto = queryClass as { then?: unknown; execute?: unknown; [guarded]?: true }
  if (proto[guarded] || !Object.hasOwn(proto, 'then') || typeof proto.then !== 'function') return
  const then = proto.then as (this: unknown, onFulfilled?: unknown, onRejected?: unknown) => unknown
  Object.defineProperty(proto, 'then', {
    configurable: true,
    writable: true,
    value: function guardedThen(this: unknown, onFulfilled?: unknown, onRejected?: unknown) {
      if (typeof onFulfilled === 'function' && isStartupQuery(this, arrayTypeLookup)) {
        return then.call(this, onFulfilled, () => onFulfilled([]))
      }
      return then.call(this, onFulfilled, onRejected)
    },
  })
  if (Object.hasOwn(proto, 'execute') && typeof proto.execute === 'function') {
    const execute = proto.execute as (this: unknown) => unknown
    Object.defineProperty(proto, 'execute', {
      configurable: true,
      writable: true,
      value: function guardedExecute(this: unknown) {
        // `Promise.prototype.then` directly: the query class's own `then` would send it early.
        if (isStartupQuery(this, sessionStateQuery)) Promise.prototype.then.call(this, undefined, () => undefined)
        return execute.call(this)
      },
    })
  }
  Object.defineProperty(proto, guarded, { value: true })
}

/** True for one of postgres.js's own startup queries: an untagged query whose only text matches. */
function isStartupQuery(query: unknown, text: RegExp): boolean {
  const { tagged, strings } = query as { tagged?: unknown; strings?: unknown }
  return tagged === false && Array.isArray(strings) && typeof strings[0] === 'string' && text.test(strings[0])
}
