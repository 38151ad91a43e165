/**
 * postgres.js 3.4 runs an array-type lookup (`select b.oid, b.typarray from pg_catalog.pg_type a
 * left join pg_catalog.pg_type b on b.oid = a.typelem …`) as the first query of every new
 * connection (`fetch_types`, on by default), from an async function whose promise it drops
 * (`ReadyForQuery` → `fetchArrayTypes()` in its `connection.js`; upstream porsager/postgres #1192,
 * #1205, #1223). When that connection dies before the lookup's answer (a restart, a pooler kill, a
 * reset, a cancel), the lookup rejects, the dropped promise rejects with it, and Node and Deno end
 * the process on an unhandled rejection. No caller can catch it.
 *
 * Turning the lookup off (`fetch_types: false`) is no way out: then `reserve()` never resolves
 * when it is what opens a connection (upstream #751, #1219), and arrays come back unparsed.
 */
const arrayTypeLookup =
  /from\s+pg_catalog\.pg_type\s+a\s+left\s+join\s+pg_catalog\.pg_type\s+b\s+on\s+b\.oid\s*=\s*a\.typelem/i

/** Marks a query class already guarded (`Symbol.for`, so two copies of the SDK agree). */
const guarded = Symbol.for('tripsage.postgresJs.typeLookupGuarded')

/** The slice of a postgres.js instance the guard needs: building (not running) a query. */
export interface PostgresJsQueryBuilder {
  /** Builds a query; postgres.js sends it only once it is awaited or executed. */
  unsafe?(query: string): PromiseLike<unknown>
}

/**
 * Makes postgres.js's startup array-type lookup unable to reject: when it fails, the lookup
 * resolves with no types instead, so the promise postgres.js drops settles quietly. Nothing else
 * changes: the lookup is the first query of a connection that is failing anyway (the failure
 * reaches the caller's own query, as `unavailable`), the types an earlier connection fetched stay
 * in the instance, and the next connection looks them up again.
 *
 * It wraps `then` of postgres.js's query class (reached through a query built and never sent) for
 * that one query text, once per class; every other query is untouched. Idempotent. A no-op for an
 * instance without `unsafe` or with a query class that has no `then` of its own.
 *
 * @param sql - the postgres.js instance (`postgres(url, options)`)
 */
export function guardStartupTypeLookup(sql: PostgresJsQueryBuilder): void {
  if (typeof sql.unsafe !== 'function') return
  const queryClass: unknown = Object.getPrototypeOf(sql.unsafe('select 1'))
  if (typeof queryClass !== 'object' || queryClass === null || queryClass === Promise.prototype) return
  const proto = queryClass as { then?: unknown; [guarded]?: true }
  if (proto[guarded] || !Object.hasOwn(proto, 'then') || typeof proto.then !== 'function') return
  const then = proto.then as (this: unknown, onFulfilled?: unknown, onRejected?: unknown) => unknown
  Object.defineProperty(proto, 'then', {
    configurable: true,
    writable: true,
    value: function guardedThen(this: unknown, onFulfilled?: unknown, onRejected?: unknown) {
      if (typeof onFulfilled === 'function' && isArrayTypeLookup(this)) {
        return then.call(this, onFulfilled, () => onFulfilled([]))
      }
      return then.call(this, onFulfilled, onRejected)
    },
  })
  Object.defineProperty(proto, guarded, { value: true })
}

/** True for postgres.js's own startup lookup: an untagged query whose only text is that select. */
function isArrayTypeLookup(query: unknown): boolean {
  const { tagged, strings } = query as { tagged?: unknown; strings?: unknown }
  return (
    tagged === false && Array.isArray(strings) && typeof strings[0] === 'string' && arrayTypeLookup.test(strings[0])
  )
}
