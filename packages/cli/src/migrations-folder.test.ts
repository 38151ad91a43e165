import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundledMigrations } from '@tripsage/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { syncMigrationsFolder } from './migrations-folder.js'

const migrations = bundledMigrations()
const names = migrations.map((m) => `${m.version}_${m.name}.sql`)

describe('syncMigrationsFolder', () => {
  let root: string
  let dir: string
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'tripsage-cli-folder-'))
    dir = join(root, 'supabase', 'migrations')
  })
  afterEach(() => rm(root, { recursive: true, force: true }))

  it('creates the folder and writes every SDK migration with the bundled SQL', async () => {
    const reports = await syncMigrationsFolder(dir, migrations)
    expect(reports).toEqual(names.map((name) => ({ name, state: 'added' })))
    expect((await readdir(dir)).sort()).toEqual(names)
    expect(await readFile(join(dir, names[0]!), 'utf8')).toBe(migrations[0]!.sql)
  })

  it('is idempotent and leaves the app’s own migrations alone', async () => {
    await syncMigrationsFolder(dir, migrations)
    const own = join(dir, '20270101000000_my_app.sql')
    await writeFile(own, 'create table public.mine (id int);\n')
    // A checkout that converted line endings is not an edit.
    await writeFile(join(dir, names[0]!), migrations[0]!.sql.replace(/\n/g, '\r\n'))
    const again = await syncMigrationsFolder(dir, migrations)
    expect(again.every((r) => r.state === 'unchanged')).toBe(true)
    expect(await readFile(own, 'utf8')).toBe('create table public.mine (id int);\n')
  })

  it('reports an edited file and never overwrites it', async () => {
    await syncMigrationsFolder(dir, migrations)
    const edited = join(dir, names[1]!)
    await writeFile(edited, `${migrations[1]!.sql}\n-- my change\nalter table public.trips add column x int;\n`)
    const before = await readFile(edited, 'utf8')
    const reports = await syncMigrationsFolder(dir, migrations)
    expect(reports.filter((r) => r.state === 'edited')).toEqual([{ name: names[1], state: 'edited' }])
    expect(await readFile(edited, 'utf8')).toBe(before)
  })

  it('after an SDK upgrade adds only the new files', async () => {
    const older = migrations.slice(0, -2)
    await syncMigrationsFolder(dir, older)
    const reports = await syncMigrationsFolder(dir, migrations)
    expect(reports.filter((r) => r.state === 'added').map((r) => r.name)).toEqual(names.slice(-2))
    expect(reports.filter((r) => r.state === 'unchanged')).toHaveLength(older.length)
  })

  it('with write: false reports what is missing and writes nothing', async () => {
    const reports = await syncMigrationsFolder(dir, migrations, { write: false })
    expect(reports.every((r) => r.state === 'added')).toBe(true)
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' })
  })
})
