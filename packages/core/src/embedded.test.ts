import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openEmbeddedDatabase } from './embedded.js'

// A fresh clone has no `.tripsage/`: PGlite creates its data directory but not the folders above
// it, so the examples crashed with ENOENT until openEmbeddedDatabase created the parents.
let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tripsage-embedded-'))
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('openEmbeddedDatabase with a data dir', () => {
  it.each([
    ['a path', (dir: string) => dir],
    ['a file:// URL', (dir: string) => pathToFileURL(dir).href],
  ])('creates missing parent directories (%s) and keeps data across reopening', async (_form, as) => {
    const dataDir = join(root, _form.replace(/\W/g, '-'), '.tripsage', 'db')
    const first = await openEmbeddedDatabase({ dataDir: as(dataDir) })
    try {
      expect(first.migration?.applied.length).toBeGreaterThan(0)
      await sql`create table public.fresh_clone_probe (id int primary key)`.execute(first.db)
      await sql`insert into public.fresh_clone_probe values (1)`.execute(first.db)
    } finally {
      await first.close()
    }
    expect((await stat(dataDir)).isDirectory()).toBe(true)

    const again = await openEmbeddedDatabase({ dataDir: as(dataDir) })
    try {
      expect(again.migration?.applied).toEqual([])
      const { rows } = await sql<{ id: number }>`select id from public.fresh_clone_probe`.execute(again.db)
      expect(rows).toEqual([{ id: 1 }])
    } finally {
      await again.close()
    }
  })
})
