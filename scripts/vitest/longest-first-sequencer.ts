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
 * Files that take 25 s or more (`project path` → seconds), from the fresh-clone `.ci/run` of branch
 * `cispeed` (3 workers, load average 10–16 from other work; files whose time is spent in
 * `beforeAll`, such as the Next.js build, by hand). Only the order depends on them: a stale or
 * missing entry never fails a run.
 */
export const measuredSeconds: Readonly<Record<string, number>> = {
  'repo examples/next-app/test/e2e.test.ts': 600,
  'repo scripts/packaging.test.ts': 400,
  'core packages/core/src/db/faults.test.ts': 237,
  'repo scripts/quality.test.ts': 173,
  'cli packages/cli/src/database-commands.test.ts': 110,
  'repo scripts/api-docs.test.ts': 90,
  'repo scripts/generated.test.ts': 85,
  'repo examples/quickstart/test/quickstart.test.ts': 83,
  'runtimes runtimes/test/matrix.test.ts': 81,
  'db-native supabase/tests/pgtap.test.ts': 80,
  'repo examples/express-api/test/api.test.ts': 72,
  'testing packages/testing/src/database.test.ts': 62,
  'core packages/core/src/embedded.test.ts': 60,
  'db supabase/tests/pgtap.test.ts': 60,
  'core packages/core/src/db/migrate.test.ts': 58,
  'jobs packages/jobs/src/memory-sync/memory-sync.test.ts': 46,
  'core-native packages/core/src/db/migrate.test.ts': 46,
  'core packages/core/src/chat/ui-messages.test.ts': 44,
  'core packages/core/src/db/scope.test.ts': 42,
  'core packages/core/src/trips/schemas.property.test.ts': 42,
  'core-native-postgres-js packages/core/src/db/migrate.test.ts': 36,
  'core packages/core/src/memory/recall.test.ts': 30,
  'core-native-postgres-js packages/core/src/trips/schemas.property.test.ts': 30,
  'core packages/core/src/kv/kv-redis.test.ts': 29,
  'repo examples/express-api/test/fresh-clone.test.ts': 28,
  'db-native supabase/tests/supabase-cli.native.test.ts': 27,
  'core packages/core/src/trips/access-matrix.test.ts': 27,
  'core-native packages/core/src/trips/schemas.property.test.ts': 26,
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
