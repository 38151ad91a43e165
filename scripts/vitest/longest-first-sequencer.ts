/**
 * The order Vitest starts test files in, across all projects: longest first, so that with several
 * workers the long files (builds, Chromium, the fault suite) overlap everything else instead of
 * starting last and running alone at the end.
 *
 * Vitest's own order sorts by project name first (so `repo`, with the packaging builds and the
 * Next.js e2e test, would start after everything else) and knows durations only from a previous
 * run's cache, which a fresh clone in CI does not have. Durations come from that cache when it has
 * them, else from {@link measuredSeconds}, else the file's size stands in (Vitest's fallback).
 */
import { stat } from 'node:fs/promises'
import { relative } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * Files that take 20 s or more (`project path` → seconds), measured on the 2-core CI machine with
 * other work running. Only the order depends on them: a stale or missing entry never fails a run.
 */
export const measuredSeconds: Readonly<Record<string, number>> = {
  'repo examples/next-app/test/e2e.test.ts': 200,
  'core packages/core/src/db/faults.test.ts': 180,
  'repo scripts/packaging.test.ts': 100,
  'runtimes runtimes/test/matrix.test.ts': 90,
  'db-native supabase/tests/pgtap.test.ts': 80,
  'core packages/core/src/db/scope.test.ts': 80,
  'repo examples/express-api/test/api.test.ts': 70,
  'db supabase/tests/pgtap.test.ts': 60,
  'repo scripts/quality.test.ts': 60,
  'core packages/core/src/memory/learning/learning.test.ts': 55,
  'core packages/core/src/search-cache/repository.test.ts': 50,
  'jobs packages/jobs/src/memory-sync/memory-sync.test.ts': 50,
  'core packages/core/src/chat/ui-messages.test.ts': 45,
  'core packages/core/src/trips/trip-items-repository.test.ts': 45,
  'core packages/core/src/trips/trips-repository.test.ts': 45,
  'core-native-postgres-js packages/core/src/chat/ui-messages.test.ts': 45,
  'cli packages/cli/src/database-commands.test.ts': 40,
  'core packages/core/src/chat/messages.test.ts': 40,
  'core packages/core/src/attachments/queued-deletions.test.ts': 35,
  'core-native packages/core/src/chat/ui-messages.test.ts': 35,
  'cli packages/cli/src/main.test.ts': 30,
  'core packages/core/src/agent-tools/agent-tools.test.ts': 30,
  'core packages/core/src/db/user-scope-guard.test.ts': 25,
  'core packages/core/src/chat/tool-calls.test.ts': 25,
  'repo scripts/api-docs.test.ts': 20,
}

/** Sorts files by expected duration, longest first; the rest of Vitest's order is kept. */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const expected = new Map<TestSpecification, number>()
    await Promise.all(
      files.map(async (spec) => {
        const key = `${spec.project.name} ${relative(this.ctx.config.root, spec.moduleId)}`
        const measured = measuredSeconds[key]
        const ms =
          this.ctx.cache.getTestSpecificationResult(spec)?.duration ??
          (measured === undefined ? undefined : measured * 1000) ??
          // About a millisecond per byte of test source: the order of the unmeasured rest.
          (await stat(spec.moduleId).catch(() => ({ size: 0 }))).size
        expected.set(spec, ms)
      }),
    )
    const base = await super.sort(files)
    const position = new Map(base.map((spec, index) => [spec, index]))
    return [...files].sort(
      (a, b) =>
        a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder ||
        (expected.get(b) ?? 0) - (expected.get(a) ?? 0) ||
        (position.get(a) ?? 0) - (position.get(b) ?? 0),
    )
  }
}
