import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, it } from 'vitest'
import packageJson from '../package.json' with { type: 'json' }

// Issue 13: on a fresh clone `pnpm --filter express-api start` died with ENOENT (mkdir
// '.tripsage/express-db'). CI missed it because the other tests pass temporary folders. This one
// runs the `start` script's own command in an empty directory, with none of the data-dir
// variables set, so the defaults (`./.tripsage/express-db`, `./.tripsage/files`) are used.
const app = fileURLToPath(new URL('..', import.meta.url))
let server: ChildProcess | undefined
let cwd: string | undefined
let output = ''

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

afterAll(async () => {
  if (server?.pid && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve))
    process.kill(-server.pid, 'SIGTERM')
    await exited
  }
  if (cwd) await rm(cwd, { recursive: true, force: true })
})

it('starts in an empty directory (no .tripsage/) and serves a real request', async () => {
  cwd = await mkdtemp(join(tmpdir(), 'express-api-fresh-'))
  expect(await readdir(cwd)).toEqual([])
  const port = await freePort()
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) }
  for (const name of Object.keys(env)) {
    if (/^(TRIPSAGE_|SUPABASE_|UPSTASH_|QSTASH_)/.test(name) || name === 'PUBLIC_URL') delete env[name]
  }
  // `tsx --conditions=@tripsage/source src/server.ts`, with the script path made absolute.
  const [command, ...args] = packageJson.scripts.start.split(' ')
  const script = args.map((arg) => (arg.startsWith('src/') ? join(app, arg) : arg))
  server = spawn(join(app, 'node_modules', '.bin', command as string), script, { cwd, env, detached: true })
  server.stdout?.on('data', (chunk) => {
    output += chunk
  })
  server.stderr?.on('data', (chunk) => {
    output += chunk
  })

  const base = `http://127.0.0.1:${port}`
  await expect
    .poll(
      async () => {
        if (server?.exitCode !== null) throw new Error(`the server exited:\n${output}`)
        return fetch(`${base}/health`).then(
          (r) => r.status,
          () => 0,
        )
      },
      { timeout: 120_000, interval: 250 },
    )
    .toBe(200)

  const user = await fetch(`${base}/dev/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  expect(user.status).toBe(201)
  const { token } = (await user.json()) as { token: string }
  const created = await fetch(`${base}/trips`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: 'Lisbon', destination: 'Lisbon', startDate: '2027-04-10', endDate: '2027-04-17' }),
  })
  expect(created.status).toBe(201)
  const listed = await fetch(`${base}/trips`, { headers: { authorization: `Bearer ${token}` } })
  expect(((await listed.json()) as { items: { name: string }[] }).items.map((t) => t.name)).toEqual(['Lisbon'])

  // The defaults were used, relative to the working directory, and created there.
  expect((await stat(join(cwd, '.tripsage', 'express-db'))).isDirectory()).toBe(true)
  expect(output).toContain(`on http://localhost:${port}`)
}, 600_000)
