import { readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Principle 5: nothing a route handler imports from `@tripsage/core` may need Node. Node-only
// code (the file-system storage) lives behind its own subpath.
const src = dirname(fileURLToPath(import.meta.url))

/** Every module reachable from `entry` through relative imports, with its bare imports. */
function graph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    const text = readFileSync(file, 'utf8')
    const specifiers = [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1] ?? '')
    seen.set(
      file,
      specifiers.filter((s) => !s.startsWith('.')),
    )
    for (const s of specifiers.filter((s) => s.startsWith('.'))) visit(join(dirname(file), s.replace(/\.js$/, '.ts')))
  }
  visit(join(src, entry))
  return seen
}

describe('runtime neutrality', () => {
  it('the main entry reaches no node: module', () => {
    const offenders = [...graph('index.ts')].flatMap(([file, bare]) =>
      bare.filter((s) => s.startsWith('node:')).map((s) => `${relative(src, file)} → ${s}`),
    )
    expect(offenders).toEqual([])
  })

  it('file-system storage is only reachable through @tripsage/core/storage/fs', () => {
    expect([...graph('index.ts').keys()].map((f) => relative(src, f))).not.toContain('storage/file-system-storage.ts')
    expect([...graph('storage/fs.ts').keys()].map((f) => relative(src, f))).toContain('storage/file-system-storage.ts')
  })
})
