/**
 * Latency measurement: warm-up, then every iteration runs each case once in rotating order, so a
 * drift in the machine's load (GC, the other core, thermal) hits all cases alike and ratios taken
 * in the same call stay meaningful. Timings are reported, never asserted.
 */

/** p50/p95/mean of one case, in milliseconds. */
export interface LatencyStats {
  p50Ms: number
  p95Ms: number
  meanMs: number
  /** Samples after warm-up. */
  n: number
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** Timed iterations (each runs every case once). */
  iterations: number
  /** Untimed iterations first. */
  warmup: number
  /** Stop early once this many milliseconds were spent timing, if `minIterations` ran (keeps quick mode quick). */
  budgetMs?: number
  /** Iterations that always run, budget or not (default 20). */
  minIterations?: number
}

/** One case: called with the iteration number (so it can rotate users, vectors, queries). */
export type BenchCase = (iteration: number) => Promise<unknown>

/**
 * Times every case over the same iterations, interleaved.
 *
 * @param cases - name → case; the object's order is the first iteration's order
 * @param options - iterations, warm-up and an optional time budget
 */
export async function measure(
  cases: Record<string, BenchCase>,
  options: MeasureOptions,
): Promise<Record<string, LatencyStats>> {
  const names = Object.keys(cases)
  const samples = new Map<string, number[]>(names.map((name) => [name, []]))
  const minIterations = options.minIterations ?? 20
  const started = performance.now()
  for (let i = 0; i < options.warmup + options.iterations; i++) {
    const timed = i - options.warmup
    if (options.budgetMs !== undefined && timed >= minIterations && performance.now() - started > options.budgetMs)
      break
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length]!
      const t0 = performance.now()
      await cases[name]!(i)
      const elapsed = performance.now() - t0
      if (timed >= 0) samples.get(name)!.push(elapsed)
    }
  }
  return Object.fromEntries(names.map((name) => [name, summarise(samples.get(name)!)]))
}

/** p50/p95/mean of raw samples (ms). */
export function summarise(samples: number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b)
  const mean = sorted.length ? sorted.reduce((s, x) => s + x, 0) / sorted.length : 0
  return {
    p50Ms: round(percentile(sorted, 0.5)),
    p95Ms: round(percentile(sorted, 0.95)),
    meanMs: round(mean),
    n: sorted.length,
  }
}

/** The nearest-rank percentile of an ascending array (0 when empty). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
}

/** `value / baseline`, rounded; null when the baseline is 0. */
export function ratio(value: number, baseline: number): number | null {
  return baseline > 0 ? round(value / baseline, 2) : null
}

/** Rounds to `digits` decimals (default 3). */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** Times one async call, in ms. */
export async function time<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const t0 = performance.now()
  const result = await fn()
  return { result, ms: performance.now() - t0 }
}
