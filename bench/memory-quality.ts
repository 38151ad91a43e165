/**
 * Memory-learning quality on the labelled set (`memory-quality/conversations.ts`): precision and
 * recall of the ADD/UPDATE/DELETE operations, and final-memory accuracy, for the offline default
 * (lexical extractor + rule decider) — always, cheap, part of `pnpm bench --quick` — and for a real
 * model when one is configured (never in CI):
 *
 *   MEMORY_BENCH_MODEL=openai/gpt-4.1-mini AI_GATEWAY_API_KEY=… pnpm bench --only memory-quality
 *
 * Each conversation runs for a fresh user on PGlite with every migration: existing memories are
 * added, then `planMemoryChanges` + `applyMemoryPlan` (the memory-sync job's process step) run on
 * the conversation's messages.
 */
import {
  applyMemoryPlan,
  createTripSage,
  localEmbedder,
  type MemoryDecider,
  type MemoryExtractor,
  planMemoryChanges,
} from '@tripsage/core'
import { aiSdkDecider, aiSdkExtractor } from '@tripsage/core/ai-sdk'
import { createTestDatabase, createTestUser } from '@tripsage/testing'
import { atLeast, parseArgs, type ResultRow, type ResultTable, writeResult } from './lib/results.js'
import {
  type Conversation,
  conversations,
  type ExpectedEntry,
  type ExpectedOp,
} from './memory-quality/conversations.js'

const { quick } = parseArgs()

interface Predicted {
  op: 'ADD' | 'UPDATE' | 'DELETE'
  key?: string
  content?: string
}

interface CaseOutcome {
  id: string
  predicted: Predicted[]
  final: string[]
  ms: number
}

interface Configuration {
  label: string
  extractor?: MemoryExtractor
  decider?: MemoryDecider
}

const database = await createTestDatabase()
const embedder = localEmbedder()

async function runCase(conversation: Conversation, config: Configuration): Promise<CaseOutcome> {
  const user = await createTestUser(database.db)
  const me = createTripSage({ db: database.db, embedder }).forUser(user.claims)
  const seeded = conversation.existing.length
    ? await me.memory.addMany(
        conversation.existing.map((m) => ({ content: m.content, type: m.type ?? 'user_preference' })),
      )
    : []
  const keyOf = new Map(seeded.map((m, i) => [m.id, conversation.existing[i]?.key as string]))
  const messages = conversation.messages.map((m, i) => ({
    id: crypto.randomUUID(),
    role: m.role,
    content: m.content,
    createdAt: new Date(Date.UTC(2026, 11, 6, 12, i)).toISOString(),
  }))
  const started = performance.now()
  const plan = await planMemoryChanges(me.memory, embedder, messages, {
    userId: user.id,
    options: {
      ...(config.extractor ? { extractor: config.extractor } : {}),
      ...(config.decider ? { decider: config.decider } : {}),
      timeBudgetMs: 120_000,
    },
  })
  const applied = await me.transaction((tx) => applyMemoryPlan(tx.db, plan, { userId: user.id }))
  const ms = performance.now() - started
  const final = (await me.memory.list({ limit: 100 })).items
  const contentOf = new Map(final.map((m) => [m.id, m.content]))
  const predicted: Predicted[] = applied.flatMap((change): Predicted[] => {
    if (change.operation === 'NONE' || change.memoryId === null) return []
    if (change.operation === 'ADD') return [{ op: 'ADD', content: contentOf.get(change.memoryId) ?? '' }]
    return [{ op: change.operation, key: keyOf.get(change.memoryId) ?? '?' }]
  })
  return { id: conversation.id, predicted, final: final.map((m) => m.content), ms }
}

const has = (content: string, keywords: string[]) =>
  keywords.every((k) => content.toLowerCase().includes(k.toLowerCase()))

function matches(p: Predicted, e: ExpectedOp): boolean {
  if ('add' in e) return p.op === 'ADD' && has(p.content ?? '', e.add)
  if ('update' in e) return p.op === 'UPDATE' && p.key === e.update
  return p.op === 'DELETE' && p.key === e.delete
}

const entry = (e: ExpectedOp | ExpectedEntry): ExpectedEntry => ('any' in e ? e : { any: [e] })
const opOf = (e: ExpectedOp): Predicted['op'] => ('add' in e ? 'ADD' : 'update' in e ? 'UPDATE' : 'DELETE')

interface Score {
  tp: Record<Predicted['op'], number>
  fp: Record<Predicted['op'], number>
  fn: Record<Predicted['op'], number>
  finalCorrect: number
  failures: string[]
}

function score(outcomes: CaseOutcome[]): Score {
  const zero = () => ({ ADD: 0, UPDATE: 0, DELETE: 0 })
  const s: Score = { tp: zero(), fp: zero(), fn: zero(), finalCorrect: 0, failures: [] }
  for (const outcome of outcomes) {
    const conversation = conversations.find((c) => c.id === outcome.id) as Conversation
    const expected = conversation.operations.map(entry)
    const used = new Set<number>()
    const problems: string[] = []
    for (const p of outcome.predicted) {
      const i = expected.findIndex((e, j) => !used.has(j) && e.any.some((alt) => matches(p, alt)))
      if (i < 0) {
        s.fp[p.op]++
        problems.push(`unexpected ${p.op}${p.key ? ` ${p.key}` : ''}${p.content ? ` "${p.content}"` : ''}`)
        continue
      }
      used.add(i)
      if (!expected[i]?.optional) s.tp[p.op]++
    }
    expected.forEach((e, j) => {
      if (used.has(j) || e.optional) return
      const first = e.any[0] as ExpectedOp
      s.fn[opOf(first)]++
      problems.push(`missed ${JSON.stringify(first)}`)
    })
    const sets = [...conversation.final, ...(conversation.optionalFinal ?? [])]
    const covered = conversation.final.every((keywords) => outcome.final.some((m) => has(m, keywords)))
    const noExtra = outcome.final.every((m) => sets.some((keywords) => has(m, keywords)))
    if (covered && noExtra) s.finalCorrect++
    else problems.push(`final memories ${JSON.stringify(outcome.final)}`)
    if (problems.length) s.failures.push(`${outcome.id}: ${problems.join('; ')}`)
  }
  return s
}

const round = (x: number) => Math.round(x * 1000) / 1000
const ratio = (a: number, b: number) => (b === 0 ? null : round(a / b))

function operationRows(s: Score): ResultRow[] {
  const ops = ['ADD', 'UPDATE', 'DELETE'] as const
  const rows: ResultRow[] = ops.map((op) => ({
    case: op,
    expected: s.tp[op] + s.fn[op],
    predicted: s.tp[op] + s.fp[op],
    correct: s.tp[op],
    precision: ratio(s.tp[op], s.tp[op] + s.fp[op]),
    recall: ratio(s.tp[op], s.tp[op] + s.fn[op]),
  }))
  const sum = (r: Record<string, number>) => ops.reduce((n, op) => n + (r[op] ?? 0), 0)
  const tp = sum(s.tp)
  rows.push({
    case: 'all operations',
    expected: tp + sum(s.fn),
    predicted: tp + sum(s.fp),
    correct: tp,
    precision: ratio(tp, tp + sum(s.fp)),
    recall: ratio(tp, tp + sum(s.fn)),
  })
  return rows
}

const configurations: Configuration[] = [{ label: 'offline: lexicalExtractor + ruleDecider' }]
const modelId = process.env.MEMORY_BENCH_MODEL
if (modelId) {
  configurations.push({
    label: `model: ${modelId} (aiSdkExtractor + aiSdkDecider)`,
    extractor: aiSdkExtractor({ model: modelId }),
    decider: aiSdkDecider({ model: modelId }),
  })
}

const tables: ResultTable[] = []
const checks = []
const notes: string[] = [
  `${conversations.length} hand-written travel-planning conversations (bench/memory-quality/conversations.ts), each for a fresh user with 0–3 existing memories; embeddings by localEmbedder().`,
  'An operation is correct when it matches an expected one (ADD: the new memory contains the expected keywords; UPDATE/DELETE: the expected existing memory). NONE is the absence of an operation. Final memories are correct when every expected keyword set is covered and no other memory remains.',
  'Some cases are out of the offline rules’ reach on purpose (implicit or paraphrased statements, compatible facts on one topic); the misses are listed under the table.',
]
try {
  for (const config of configurations) {
    const outcomes: CaseOutcome[] = []
    for (const conversation of conversations) outcomes.push(await runCase(conversation, config))
    const s = score(outcomes)
    const rows = operationRows(s)
    const finalAccuracy = round(s.finalCorrect / conversations.length)
    const times = outcomes.map((o) => o.ms).sort((x, y) => x - y)
    rows.push({
      case: 'final memories',
      expected: conversations.length,
      correct: s.finalCorrect,
      accuracy: finalAccuracy,
      p50Ms: round(times[Math.floor(times.length / 2)] ?? 0),
      p95Ms: round(times[Math.floor(times.length * 0.95)] ?? 0),
    })
    tables.push({
      title: config.label,
      rows,
      noChart: true,
      note: `p50/p95: plan + apply per conversation. Misses: ${s.failures.length === 0 ? 'none' : s.failures.join(' · ')}`,
    })
    if (!config.extractor) {
      const all = rows.find((r) => r.case === 'all operations')
      // Regression floors for the offline default (deterministic: the same code gives the same numbers).
      checks.push(atLeast('offline operation recall', Number(all?.recall ?? 0), 0.7))
      checks.push(atLeast('offline operation precision', Number(all?.precision ?? 0), 0.8))
      checks.push(atLeast('offline final-memory accuracy', finalAccuracy, 0.7))
    }
  }
  await writeResult({
    name: 'memory-quality',
    title: 'Memory learning quality (labelled conversations)',
    mode: quick ? 'quick' : 'full',
    setup: 'PGlite in process with every migration; planMemoryChanges + applyMemoryPlan per conversation, as the user',
    tables,
    checks,
    notes: modelId ? notes : [...notes, 'No model configured (MEMORY_BENCH_MODEL + a provider key): offline only.'],
  })
} finally {
  await database.close()
}
process.exit(0)
