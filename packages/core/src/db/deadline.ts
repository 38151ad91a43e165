/** Limits of one SDK call (or one `transaction(fn)`): how long it may take, and who may cancel it. */
export interface CallLimits {
  /**
   * The whole call's budget in milliseconds: connection checkout, every statement, `commit`. Past
   * it the call fails with `unavailable` (`details.reason: 'deadline'`), the connection is
   * destroyed (never returned to the pool), and the server ends the statement itself
   * (`statement_timeout`) and the transaction if the client vanished
   * (`idle_in_transaction_session_timeout`), both set transaction-locally in the scope entry.
   * `0` or `Infinity` disables it.
   */
  deadlineMs?: number
  /**
   * Cancels the call when aborted (e.g. the incoming request's signal): it fails with
   * `unavailable` (`details.reason: 'aborted'`) and its connection is destroyed.
   */
  signal?: AbortSignal
}

/** Why a call was cut short; mapped to `unavailable` by `toTripSageError`. */
export class CallCancelled extends Error {
  /** `deadline` when the budget ran out, `aborted` when the caller's signal fired. */
  readonly reason: 'deadline' | 'aborted'

  /** @param reason - see {@link CallCancelled.reason} */
  constructor(reason: 'deadline' | 'aborted') {
    super(reason === 'deadline' ? 'The call ran past its deadline' : 'The call was aborted')
    this.name = 'CallCancelled'
    this.reason = reason
  }

  /** True for a `CallCancelled` from any copy of the package. */
  static isInstance(value: unknown): value is CallCancelled {
    return value instanceof Error && value.name === 'CallCancelled' && 'reason' in value
  }
}

/** A running call's deadline. */
export interface Deadline {
  /** Milliseconds left, or undefined when the call has no deadline. */
  remainingMs(): number | undefined
  /** The reason once the call was cut short, else undefined. */
  readonly cancelled: CallCancelled | undefined
  /** Registers what to do when the call is cut short (runs at once if it already was). */
  onCancel(action: () => void): void
  /** `work`, or a rejection with {@link CallCancelled} as soon as the call is cut short. */
  race<T>(work: Promise<T>): Promise<T>
  /** Stops the timer and the signal listener. */
  dispose(): void
}

/** The deadline of a call without limits: never fires. */
const noDeadline: Deadline = {
  remainingMs: () => undefined,
  cancelled: undefined,
  onCancel: () => undefined,
  race: (work) => work,
  dispose: () => undefined,
}

/**
 * Starts the clock of one call.
 *
 * @param limits - the call's budget and signal
 */
export function startDeadline(limits: CallLimits): Deadline {
  const budget = limits.deadlineMs
  const timed = budget !== undefined && budget > 0 && Number.isFinite(budget)
  if (!timed && !limits.signal) return noDeadline
  const endsAt = timed ? Date.now() + (budget as number) : undefined
  const actions: Array<() => void> = []
  let cancelled: CallCancelled | undefined
  let rejectRace: ((error: CallCancelled) => void) | undefined
  const racing = new Promise<never>((_, reject) => {
    rejectRace = reject
  })
  racing.catch(() => undefined)
  const cancel = (reason: CallCancelled['reason']) => {
    if (cancelled) return
    cancelled = new CallCancelled(reason)
    rejectRace?.(cancelled)
    for (const action of actions.splice(0)) action()
  }
  const timer = timed ? setTimeout(() => cancel('deadline'), budget) : undefined
  const onAbort = () => cancel('aborted')
  if (limits.signal?.aborted) onAbort()
  else limits.signal?.addEventListener('abort', onAbort, { once: true })
  return {
    remainingMs: () => (endsAt === undefined ? undefined : Math.max(1, endsAt - Date.now())),
    get cancelled() {
      return cancelled
    },
    onCancel(action) {
      if (cancelled) action()
      else actions.push(action)
    },
    race(work) {
      // The work keeps running after a cancellation; its late failure must not go unhandled.
      work.catch(() => undefined)
      return Promise.race([work, racing])
    },
    dispose() {
      clearTimeout(timer)
      limits.signal?.removeEventListener('abort', onAbort)
    },
  }
}

/**
 * The server-side limits a scope entry sets transaction-locally (in the same statement as the
 * role and claims, so no extra round trip): the statement and an abandoned open transaction end
 * on the server too.
 *
 * @param deadline - the running call's deadline
 */
export function serverLimits(deadline: Deadline): Record<string, string> {
  const remaining = deadline.remainingMs()
  if (remaining === undefined) return {}
  const ms = String(Math.ceil(remaining))
  return { statement_timeout: ms, idle_in_transaction_session_timeout: ms }
}
