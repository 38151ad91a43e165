/**
 * Load drivers for the concurrency suites: N simulated users sending calls, closed loop (back to
 * back) or open loop (paced at a rate), with every call's latency kept per operation.
 */
import { percentile, round } from './timing.js'

/** One operation of a workload: a name (for per-operation latency) and anything else the caller needs. */
export interface NamedOp {
  readonly name: string
}

/** What a run measured: calls/s over all users and the latency percentiles (ms). */
export interface Run {
  qps: number
  p50: number
  p95: number
  p99: number
  calls: number
  /** CPU time of this (client) process per call, ms: the SDK's and the driver's JavaScript. */
  clientCpuMs: number
  /** Latency samples per operation name, ascending. */
  perOp: Map<string, number[]>
}

/** Sorts the samples and computes the percentiles. */
export function summariseRun(samples: number[], perOp: Map<string, number[]>, elapsedS: number, cpuMs: number): Run {
  samples.sort((a, b) => a - b)
  for (const list of perOp.values()) list.sort((a, b) => a - b)
  return {
    qps: round(samples.length / elapsedS, 0),
    p50: round(percentile(samples, 0.5), 2),
    p95: round(percentile(samples, 0.95), 2),
    p99: round(percentile(samples, 0.99), 2),
    calls: samples.length,
    clientCpuMs: round(cpuMs / Math.max(1, samples.length), 3),
    perOp,
  }
}

/**
 * `n` users run `ops` for `seconds`: back to back (closed loop: the next call starts when the last
 * ends), or, with `rate`, each user's calls are due at fixed intervals so that all users together
 * offer `rate` calls/s (open loop); a paced call's latency counts from when it was due, so a
 * queue that builds up shows (no coordinated omission).
 */
export async function drive<Op extends NamedOp>(
  n: number,
  ops: Op[],
  call: (op: Op, user: number, i: number) => Promise<unknown>,
  options: { seconds: number; rate?: number },
): Promise<Run> {
  const samples: number[] = []
  const perOp = new Map<string, number[]>(ops.map((o) => [o.name, []]))
  const cpu = process.cpuUsage()
  const started = performance.now()
  const until = started + options.seconds * 1000
  const interval = options.rate ? (1000 * n) / options.rate : 0
  await Promise.all(
    Array.from({ length: n }, async (_, w) => {
      for (let i = w, k = 0; ; i++, k++) {
        // Paced: user w's k-th call is due at started + (k + w / n) × interval.
        const due = interval > 0 ? started + (k + w / n) * interval : performance.now()
        if (due >= until) break
        const wait = due - performance.now()
        if (wait > 0) await new Promise((r) => setTimeout(r, wait))
        const op = ops[i % ops.length]!
        await call(op, w, i * 1000 + w)
        const ms = performance.now() - due
        samples.push(ms)
        perOp.get(op.name)!.push(ms)
      }
    }),
  )
  const used = process.cpuUsage(cpu)
  return summariseRun(samples, perOp, (performance.now() - started) / 1000, (used.user + used.system) / 1000)
}

/** Two runs of the same workload as one (e.g. two halves interleaved with other variants). */
export function mergeRuns(a: Run, b: Run): Run {
  const perOp = new Map<string, number[]>()
  for (const [name, list] of a.perOp) perOp.set(name, [...list, ...(b.perOp.get(name) ?? [])])
  const samples = [...perOp.values()].flat()
  const elapsed = a.calls / Math.max(a.qps, 1e-9) + b.calls / Math.max(b.qps, 1e-9)
  return summariseRun(samples, perOp, elapsed, a.clientCpuMs * a.calls + b.clientCpuMs * b.calls)
}
