/**
 * `pnpm bench [--quick] [--only kv,overhead]`: runs every suite in its own Node process (a crash
 * or a leak in one cannot skew the next), then regenerates the report from the JSON the suites
 * wrote. Exit status: 1 if a suite crashed (non-zero exit or timeout) or a recall check fell below
 * its minimum; timings never fail a run.
 *
 * Full mode writes `bench/results/*.json`, `bench/RESULTS.md` and `bench/results/chart.svg`;
 * quick mode (CI, < 2 minutes) writes the same files under `bench/results/quick/`.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { writeReport } from './lib/report.js'
import { benchDir } from './lib/results.js'

/** One suite: a script in bench/ that writes `results/<name>.json` through `lib/results.ts`. */
interface Suite {
  name: string
  script: string
  /**
   * Kill it after this long (it then counts as crashed). A hang guard, not a budget: a loaded
   * 2-core machine runs a quick suite 2–3× slower than an idle one, and timings never fail a run.
   */
  timeoutMs: { quick: number; full: number }
  /** Extra arguments per mode. */
  args?: { quick?: string[]; full?: string[] }
  /** Not run by `--quick` (keeps CI under its budget). */
  fullOnly?: boolean
}

const suites: Suite[] = [
  { name: 'overhead', script: 'overhead.ts', timeoutMs: { quick: 240_000, full: 900_000 } },
  { name: 'vector', script: 'vector.ts', timeoutMs: { quick: 240_000, full: 3_600_000 } },
  {
    name: 'vector-native',
    script: 'vector.ts',
    timeoutMs: { quick: 240_000, full: 3_600_000 },
    args: { full: ['--engine=postgres'], quick: ['--engine=postgres'] },
    fullOnly: true,
  },
  { name: 'scaling', script: 'scaling.ts', timeoutMs: { quick: 240_000, full: 1_800_000 }, fullOnly: true },
  { name: 'hnsw-recall', script: 'hnsw-recall.ts', timeoutMs: { quick: 240_000, full: 1_800_000 }, fullOnly: true },
  { name: 'ingest', script: 'ingest.ts', timeoutMs: { quick: 240_000, full: 1_800_000 } },
  { name: 'concurrency', script: 'concurrency.ts', timeoutMs: { quick: 240_000, full: 1_800_000 } },
  { name: 'peers', script: 'peers.ts', timeoutMs: { quick: 240_000, full: 3_600_000 } },
  {
    name: 'peers-native',
    script: 'peers.ts',
    timeoutMs: { quick: 240_000, full: 3_600_000 },
    args: { full: ['--engine=postgres'], quick: ['--engine=postgres'] },
    fullOnly: true,
  },
  { name: 'jobs', script: 'jobs.ts', timeoutMs: { quick: 240_000, full: 900_000 } },
  { name: 'memory-quality', script: 'memory-quality.ts', timeoutMs: { quick: 240_000, full: 1_800_000 } },
  { name: 'kv', script: 'kv.ts', timeoutMs: { quick: 120_000, full: 600_000 } },
]

const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
const onlyArg = argv.find((a) => a.startsWith('--only'))
const only = onlyArg
  ? new Set((onlyArg.includes('=') ? onlyArg.split('=')[1] : argv[argv.indexOf(onlyArg) + 1])?.split(',') ?? [])
  : null
const selected = suites.filter((s) => (only ? only.has(s.name) : !(quick && s.fullOnly)))
if (selected.length === 0) {
  process.stderr.write(`bench: no suite matches; known: ${suites.map((s) => s.name).join(', ')}\n`)
  process.exit(2)
}

interface Outcome {
  name: string
  status: 'ok' | 'crashed' | 'timeout'
  seconds: number
}

function runSuite(suite: Suite): Promise<Outcome> {
  const mode = quick ? 'quick' : 'full'
  const args = [
    '--conditions=@tripsage/source',
    '--import',
    'tsx',
    join(benchDir, suite.script),
    ...(quick ? ['--quick'] : []),
    ...(suite.args?.[mode] ?? []),
  ]
  const started = performance.now()
  process.stdout.write(`\n=== bench ${suite.name} (${mode}) ===\n`)
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit', cwd: join(benchDir, '..') })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, suite.timeoutMs[mode])
    child.on('exit', (code) => {
      clearTimeout(timer)
      const seconds = Math.round((performance.now() - started) / 100) / 10
      resolve({ name: suite.name, status: timedOut ? 'timeout' : code === 0 ? 'ok' : 'crashed', seconds })
    })
  })
}

const runStarted = new Date()
const outcomes: Outcome[] = []
for (const suite of selected) outcomes.push(await runSuite(suite))

const results = await writeReport(quick)
const fresh = results.filter((r) => new Date(r.date) >= runStarted)
const failedChecks = fresh.flatMap((r) => r.checks.filter((c) => !c.passed).map((c) => `${r.name}: ${c.name}`))
const crashed = outcomes.filter((o) => o.status !== 'ok')

process.stdout.write('\n=== bench summary ===\n')
for (const o of outcomes) process.stdout.write(`${o.status.padEnd(8)} ${o.name} (${o.seconds}s)\n`)
for (const r of fresh)
  for (const c of r.checks)
    process.stdout.write(`${c.passed ? 'ok      ' : 'FAILED  '} ${r.name}: ${c.name} = ${c.value} (min ${c.min})\n`)
process.stdout.write(
  `bench: ${outcomes.length - crashed.length}/${outcomes.length} suites ran, ${failedChecks.length} checks failed${
    quick ? ' (quick mode: bench/results/quick/)' : ''
  }\n`,
)
process.exit(crashed.length > 0 || failedChecks.length > 0 ? 1 : 0)
