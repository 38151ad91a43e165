/** How a guarded call ended. */
export type Settled<T> = { ok: true; value: T } | { ok: false; reason: 'timeout' | 'error'; error: unknown }

/**
 * Waits for `work` at most `timeoutMs`. Never rejects: a failure or a timeout comes back as a
 * value, and a late rejection of `work` is swallowed (the caller has already moved on).
 */
export function settle<T>(work: () => Promise<T>, timeoutMs: number): Promise<Settled<T>> {
  return new Promise((resolve) => {
    let done = false
    const timer = setTimeout(() => {
      done = true
      resolve({ ok: false, reason: 'timeout', error: new Error(`Timed out after ${timeoutMs} ms`) })
    }, timeoutMs)
    let running: Promise<T>
    try {
      running = work()
    } catch (error) {
      running = Promise.reject(error)
    }
    running.then(
      (value) => {
        if (done) return
        done = true
        clearTimeout(timer)
        resolve({ ok: true, value })
      },
      (error: unknown) => {
        if (done) return
        done = true
        clearTimeout(timer)
        resolve({ ok: false, reason: 'error', error })
      },
    )
  })
}
