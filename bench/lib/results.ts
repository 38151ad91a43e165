/**
 * The one result format every suite writes to `bench/results/<name>.json`; `report.ts` turns the
 * files into `bench/RESULTS.md` and `bench/results/chart.svg`, and `run.ts` reads `checks` to
 * decide whether the run failed (only recall checks can fail it; timings never do).
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { cpus, loadavg, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type LatencyStats, ratio } from './timing.js'

/** `bench/` */
export const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..')
/** `bench/results/`: full runs, committed. */
export const resultsDir = join(benchDir, 'results')
/** `bench/results/quick/`: quick (CI) runs, so a CI run never overwrites the committed full-run numbers. */
export const quickResultsDir = join(resultsDir, 'quick')

/** Where results of a run in this mode go. */
export function resultsDirFor(quick: boolean): string {
  return quick ? quickResultsDir : resultsDir
}

/** One row of a result table: a case, its latency, and optionally its ratio to a baseline row. */
export interface ResultRow {
  case: string
  p50Ms?: number
  p95Ms?: number
  /** The case this row is compared with (same table, same process, same database). */
  baseline?: string
  ratioP50?: number | null
  ratioP95?: number | null
  /** Any further numeric or text columns (round trips, rows/s, recall…). */
  [column: string]: string | number | boolean | null | undefined
}

/** A titled table of rows. */
export interface ResultTable {
  title: string
  rows: ResultRow[]
  /** Shown under the table. */
  note?: string
  /** Leave this table out of the chart (e.g. throughput tables). */
  noChart?: boolean
  /**
   * The 1-minute load average while this table's figures were taken (see {@link loadNow}); the
   * report prints it with the machine under the table (default: the load when the file was written).
   */
  load?: number
}

/** The 1-minute load average now, rounded to 0.1 (for {@link ResultTable.load}). */
export function loadNow(): number {
  return Math.round(loadavg()[0]! * 10) / 10
}

/** A threshold the run enforces (recall); everything else is informational. */
export interface ResultCheck {
  name: string
  value: number
  min: number
  passed: boolean
}

/** What a suite writes. */
export interface BenchResult {
  name: string
  title: string
  mode: 'quick' | 'full'
  date: string
  /** `load`: the 1-minute load average when the result was written (the machine may be shared). */
  machine: { cpus: number; cpu: string; memoryGiB: number; node: string; load?: number }
  /** What ran underneath (database, transport). */
  setup: string
  tables: ResultTable[]
  checks: ResultCheck[]
  notes: string[]
  /** Suite-specific details kept for later analysis. */
  data?: unknown
}

/** Parsed command line shared by every suite. */
export interface BenchArgs {
  quick: boolean
  /** `--only a,b` (run.ts) or free arguments. */
  rest: string[]
}

/** Reads `--quick` (and leaves the rest). */
export function parseArgs(argv = process.argv.slice(2)): BenchArgs {
  return { quick: argv.includes('--quick'), rest: argv.filter((a) => a !== '--quick') }
}

/** The machine the numbers come from. */
export function machine(): BenchResult['machine'] {
  return {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    load: Math.round(loadavg()[0]! * 10) / 10,
  }
}

/**
 * Rows for a latency table: one per case, with the ratio to `baselines[case]` when given.
 *
 * @param stats - the output of `measure`
 * @param baselines - case → the case it is compared with
 * @param extra - case → further columns
 */
export function latencyRows(
  stats: Record<string, LatencyStats>,
  baselines: Record<string, string> = {},
  extra: Record<string, Record<string, string | number | null>> = {},
): ResultRow[] {
  return Object.entries(stats).map(([name, s]) => {
    const base = baselines[name]
    const b = base ? stats[base] : undefined
    return {
      case: name,
      p50Ms: s.p50Ms,
      p95Ms: s.p95Ms,
      ...(base && b ? { baseline: base, ratioP50: ratio(s.p50Ms, b.p50Ms), ratioP95: ratio(s.p95Ms, b.p95Ms) } : {}),
      ...extra[name],
    }
  })
}

/** A recall (or any "at least") check. */
export function atLeast(name: string, value: number, min: number): ResultCheck {
  return { name, value, min, passed: value >= min }
}

/** Writes `bench/results/<name>.json` and prints a one-screen summary. */
export async function writeResult(result: Omit<BenchResult, 'date' | 'machine'>): Promise<string> {
  const full: BenchResult = { ...result, date: new Date().toISOString(), machine: machine() }
  const dir = resultsDirFor(result.mode === 'quick')
  const file = join(dir, `${result.name}.json`)
  await mkdir(dir, { recursive: true })
  await writeFile(file, `${JSON.stringify(full, null, 2)}\n`)
  for (const table of full.tables) {
    process.stdout.write(`\n${result.title} — ${table.title}\n`)
    console.table(table.rows.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined))))
  }
  for (const check of full.checks)
    process.stdout.write(`check ${check.passed ? 'ok  ' : 'FAIL'} ${check.name}: ${check.value} (min ${check.min})\n`)
  process.stdout.write(`wrote ${file}\n`)
  return file
}

/** Every result file in `bench/results/`, sorted by name. */
export async function readResults(dir = resultsDir): Promise<BenchResult[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort()
  const results: BenchResult[] = []
  for (const file of files) {
    const parsed = JSON.parse(await readFile(join(dir, file), 'utf8')) as Partial<BenchResult>
    if (Array.isArray(parsed.tables) && Array.isArray(parsed.checks)) results.push(parsed as BenchResult)
  }
  return results
}
