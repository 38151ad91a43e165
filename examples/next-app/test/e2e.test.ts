import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'

// The Next.js example end to end: `next build` once, `next start` on a free port in embedded mode
// from a clean state (the data dirs sit under a `.tripsage/` that does not exist yet, as on a
// fresh clone), then Debian's Chromium drives the page: sign-in, a trip, `useChat` turns (a
// preference, then a question that recalls it), the memories panel, a whitespace-only message, a
// live itinerary update from another tab, a refused and an accepted upload, and a reload that
// comes back to the same trip and conversation. It keeps a screenshot (`.vitest/next-app.png`).
const run = promisify(execFile)
const app = fileURLToPath(new URL('..', import.meta.url))
const screenshot = fileURLToPath(new URL('../../../.vitest/next-app.png', import.meta.url))
const chromiumPath = '/usr/bin/chromium'

let server: ChildProcess | undefined
let serverOutput = ''
let browser: Browser | undefined
let data: string
let base: string
const timings: Record<string, number> = {}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

async function waitForServer(url: string, ms: number) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`next start did not answer on ${url} within ${ms} ms`)
}

beforeAll(async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }
  for (const name of Object.keys(env)) {
    if (/^(TRIPSAGE_|SUPABASE_|UPSTASH_|QSTASH_|OPENAI_)/.test(name)) delete env[name]
  }
  let started = performance.now()
  // NEXT_APP_E2E_PREBUILT=1 reuses a `next build` you just ran (local iteration only; CI builds).
  if (process.env.NEXT_APP_E2E_PREBUILT !== '1') {
    await run('pnpm', ['exec', 'next', 'build', '--webpack'], { cwd: app, env, maxBuffer: 32 << 20 })
  }
  timings.buildMs = performance.now() - started

  data = await mkdtemp(join(tmpdir(), 'next-app-e2e-'))
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  started = performance.now()
  // As on a fresh clone: neither `.tripsage/` nor anything under it exists yet.
  const clone = join(data, 'clone', '.tripsage')
  server = spawn('pnpm', ['exec', 'next', 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: app,
    env: {
      ...env,
      PORT: String(port),
      PUBLIC_URL: base,
      TRIPSAGE_DATA_DIR: join(clone, 'next-db'),
      TRIPSAGE_FILES_DIR: join(clone, 'next-files'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  server.stdout?.on('data', (chunk) => {
    serverOutput += chunk
  })
  server.stderr?.on('data', (chunk) => {
    serverOutput += chunk
  })
  await waitForServer(`${base}/api/health`, 60_000)
  timings.startMs = performance.now() - started

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}, 900_000)

afterAll(async () => {
  await browser?.close()
  // next start spawns a worker: end the whole process group we started.
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGTERM')
    } catch {
      // already gone
    }
  }
  if (data) await rm(data, { recursive: true, force: true })
})

it('a fresh clone serves the session route (no 500 for a missing .tripsage/)', async () => {
  const res = await fetch(`${base}/api/session`)
  expect(res.status).toBe(200)
  expect(await res.json()).toEqual({ mode: 'embedded', user: null })
})

it('chats with tools, remembers, updates live, uploads and comes back after a reload, in Chromium', async () => {
  const started = performance.now()
  const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  await mkdir(join(screenshot, '..'), { recursive: true })
  try {
    await walkThrough(page, context, started)
  } catch (error) {
    // What the page looked like when it failed, next to the screenshot of a passing run.
    await page.screenshot({ path: screenshot.replace(/\.png$/, '-failure.png'), fullPage: true }).catch(() => undefined)
    throw error
  } finally {
    await context.close()
  }
}, 600_000)

async function walkThrough(page: Page, context: BrowserContext, started: number) {
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))
  const chat = page.getByTestId('chat')
  const input = page.getByRole('textbox', { name: 'Message', exact: true })
  const say = async (text: string) => {
    await input.fill(text)
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    await expect.poll(() => chat.textContent(), { timeout: 30_000 }).toContain(text)
    await page.getByRole('button', { name: 'Send', exact: true }).waitFor() // idle again (not "Sending…")
  }

  await page.goto(base)
  await page.getByRole('button', { name: 'Sign in as a demo user' }).click()
  await expect.poll(() => page.getByTestId('mode').textContent()).toContain('Signed in as traveller-')
  await expect.poll(() => page.getByTestId('memories').textContent()).toContain('Nothing remembered yet')

  await page.getByLabel('Name', { exact: true }).fill('Lisbon in spring')
  await page.getByRole('button', { name: 'Create trip' }).click()
  await page.getByRole('heading', { name: /Planning Lisbon in spring/ }).waitFor()
  const tripId = new URL(page.url()).searchParams.get('trip')
  expect(tripId).toMatch(/^[0-9a-f-]{36}$/)
  await expect.poll(() => page.getByTestId('live').textContent(), { timeout: 20_000 }).toBe('Live')

  // Whitespace only: refused in the page (nothing sent) and by the route.
  await input.fill('   ')
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  await expect.poll(() => page.getByTestId('chat-hint').textContent()).toContain('spaces alone are not sent')
  expect(await chat.locator('.message').count()).toBe(0)
  const refused = await page.evaluate(async () => {
    const res = await fetch('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: '00000000-0000-4000-8000-000000000000',
        messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: ' \n\t ' }] }],
      }),
    })
    return { status: res.status, body: await res.json() }
  })
  expect(refused).toMatchObject({ status: 400, body: { error: { code: 'validation' } } })

  // Chat through useChat; a stated preference reaches memory (outbox → signed job → handler).
  await say('Find a quiet hotel in Alfama')
  await say('I prefer aisle seats on long flights')
  await expect
    .poll(() => page.getByTestId('memories').textContent(), { timeout: 30_000 })
    .toContain('I prefer aisle seats on long flights')
  expect(await page.getByTestId('memories').textContent()).not.toContain('Nothing remembered yet')
  // The offline agent (the AI SDK mock model) calls the searchMemories tool, then answers from it.
  await say('Which seats do I prefer on the flight?')
  await expect.poll(() => chat.textContent(), { timeout: 30_000 }).toContain('From what you told me before')
  await expect.poll(() => page.getByTestId('recalled').textContent()).toContain('I prefer aisle seats on long flights')
  expect(await chat.getByTestId('tool-step').allTextContents()).toContain('Searched your memories done')
  await say('What trips do I have?')
  await expect.poll(() => chat.textContent(), { timeout: 30_000 }).toContain('You have 1 trip: Lisbon in spring')
  expect(await chat.getByTestId('tool-step').allTextContents()).toContain('Looked at your trips done')
  await page.getByLabel('Search memories', { exact: true }).fill('aisle seats')
  await page.getByRole('button', { name: 'Search', exact: true }).click()
  await expect
    .poll(() => page.getByTestId('memory-results').textContent())
    .toContain('I prefer aisle seats on long flights')

  // Live: another tab adds an itinerary item; this one shows it without a reload (trip:{id} topic).
  const other = await context.newPage()
  await other.goto(`${base}/api/health`)
  const added = await other.evaluate(
    async (id) =>
      (
        await fetch(`/api/trips/${id}/itinerary`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: 'Tram 28 at dawn', day: '2027-04-11' }),
        })
      ).status,
    tripId,
  )
  expect(added).toBe(201)
  await expect.poll(() => page.getByTestId('itinerary').textContent(), { timeout: 20_000 }).toContain('Tram 28 at dawn')
  await other.close()

  // A refused upload says why; an accepted one clears the file input.
  const fileInput = page.getByLabel('File to upload', { exact: true })
  await fileInput.setInputFiles({ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') })
  await page.getByRole('button', { name: 'Upload', exact: true }).click()
  await expect.poll(() => page.getByTestId('upload-error').textContent()).toContain('this file type is not allowed')
  const file = join(data, 'itinerary.txt')
  await mkdir(data, { recursive: true })
  await writeFile(file, 'Day 1: Alfama, Day 2: Belém\n')
  await fileInput.setInputFiles(file)
  await page.getByRole('button', { name: 'Upload', exact: true }).click()
  await expect.poll(() => page.getByTestId('attachments').textContent()).toContain('itinerary.txt')
  expect(await page.getByTestId('attachments').textContent()).toContain('completed')
  expect(await page.getByTestId('upload-error').count()).toBe(0)
  expect(await fileInput.inputValue()).toBe('')

  // The job route refuses a delivery without a valid signature.
  const unsigned = await fetch(`${base}/api/jobs/memory-sync`, { method: 'POST', body: '{}' })
  expect(unsigned.status).toBe(401)
  expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe('unauthorized')

  // Reload: the same trip, its conversation (loaded with loadUIMessages) and the memories.
  await page.reload()
  await page.getByRole('heading', { name: /Planning Lisbon in spring/ }).waitFor()
  expect(new URL(page.url()).searchParams.get('trip')).toBe(tripId)
  await expect.poll(() => chat.textContent()).toContain('I prefer aisle seats on long flights')
  expect(await chat.textContent()).toContain('From what you told me before')
  expect(await chat.textContent()).toContain('You have 1 trip: Lisbon in spring')
  expect(await chat.locator('.message-user').count()).toBe(4)
  // The tool steps came back too: the tool parts were stored (chat_tool_calls) and reloaded.
  expect(await chat.getByTestId('tool-step').allTextContents()).toEqual(
    expect.arrayContaining(['Searched your memories done', 'Looked at your trips done']),
  )
  await expect.poll(() => page.getByTestId('memories').textContent()).toContain('I prefer aisle seats on long flights')
  await expect.poll(() => page.getByTestId('itinerary').textContent()).toContain('Tram 28 at dawn')

  await page.screenshot({ path: screenshot, fullPage: true })
  expect((await stat(screenshot)).size).toBeGreaterThan(1000)
  expect(problems).toEqual([])
  // (Next.js adds its own role=alert route announcer: look for the app's error line only.)
  expect(await page.getByTestId('error').count()).toBe(0)
  expect(serverOutput).not.toContain('[next-app] unexpected error')
  timings.browserMs = performance.now() - started
  console.log(
    `next-app e2e: ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])))}`,
  )
}
