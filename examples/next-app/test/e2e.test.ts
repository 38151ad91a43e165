import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'

// The Next.js example end to end: `next build` once, `next start` on a free port (embedded mode,
// fresh data dirs), then Debian's Chromium drives the page through sign-in, a trip, chat messages
// (a preference, then a question that recalls it), a memory search and an attachment upload, and
// takes a screenshot.
const run = promisify(execFile)
const app = fileURLToPath(new URL('..', import.meta.url))
const screenshot = fileURLToPath(new URL('../../../.vitest/next-app.png', import.meta.url))
const chromiumPath = '/usr/bin/chromium'

let server: ChildProcess | undefined
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
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }
  let started = performance.now()
  await run('pnpm', ['exec', 'next', 'build', '--webpack'], { cwd: app, env, maxBuffer: 32 << 20 })
  timings.buildMs = performance.now() - started

  data = await mkdtemp(join(tmpdir(), 'next-app-e2e-'))
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  started = performance.now()
  server = spawn('pnpm', ['exec', 'next', 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: app,
    env: {
      ...env,
      PORT: String(port),
      PUBLIC_URL: base,
      TRIPSAGE_DATA_DIR: join(data, 'db'),
      TRIPSAGE_FILES_DIR: join(data, 'files'),
    },
    stdio: 'ignore',
    detached: true,
  })
  await waitForServer(`${base}/api/health`, 60_000)
  timings.startMs = performance.now() - started

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}, 300_000)

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

it('signs in, creates a trip, chats with recalled memories and uploads an attachment in Chromium', async () => {
  const started = performance.now()
  const page = await browser!.newPage({ viewport: { width: 1000, height: 800 } })
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))

  await page.goto(base)
  await expect.poll(() => page.getByTestId('mode').textContent()).toContain('embedded')
  await page.getByRole('button', { name: 'Sign in as a demo user' }).click()
  await expect.poll(() => page.getByTestId('mode').textContent()).toContain('signed in as traveller-')

  await page.getByPlaceholder('Trip name').fill('Lisbon in spring')
  await page.getByRole('button', { name: 'Create trip' }).click()
  const tripButton = page.getByTestId('trips').getByRole('button', { name: 'Lisbon in spring' })
  await tripButton.waitFor()
  await tripButton.click()
  await page.getByRole('heading', { name: 'Planning Lisbon in spring' }).waitFor()

  await page.getByPlaceholder('Ask about the trip').fill('Find a quiet hotel in Alfama')
  await page.getByRole('button', { name: 'Send' }).click()
  await expect.poll(() => page.getByTestId('chat').textContent()).toContain('user: Find a quiet hotel in Alfama')

  // Memory: a stated preference is synced (outbox → signed job → handler) and recalled on a later turn.
  await page.getByPlaceholder('Ask about the trip').fill('I prefer aisle seats on long flights')
  await page.getByRole('button', { name: 'Send' }).click()
  await expect.poll(() => page.getByTestId('chat').textContent()).toContain('user: I prefer aisle seats')
  await page.getByPlaceholder('Ask about the trip').fill('Which seats do I prefer on the flight?')
  await page.getByRole('button', { name: 'Send' }).click()
  await expect.poll(() => page.getByTestId('recalled').textContent()).toContain('I prefer aisle seats on long flights')
  await expect.poll(() => page.getByTestId('chat').textContent()).toContain('From what you told me before')
  await page.getByPlaceholder('Search memories').fill('aisle seats')
  await page.getByRole('button', { name: 'Search' }).click()
  await expect
    .poll(() => page.getByTestId('memory-results').textContent())
    .toContain('I prefer aisle seats on long flights (user_preference)')
  // The job route refuses a delivery without a valid signature.
  const unsigned = await fetch(`${base}/api/jobs/memory-sync`, { method: 'POST', body: '{}' })
  expect(unsigned.status).toBe(401)

  const file = join(data, 'itinerary.txt')
  await mkdir(data, { recursive: true })
  await writeFile(file, 'Day 1: Alfama, Day 2: Belém\n')
  await page.locator('input[type=file]').setInputFiles(file)
  await page.getByRole('button', { name: 'Upload' }).click()
  await expect.poll(() => page.getByTestId('attachments').textContent()).toContain('itinerary.txt')
  expect(await page.getByTestId('attachments').textContent()).toContain('completed')

  await mkdir(join(screenshot, '..'), { recursive: true })
  await page.screenshot({ path: screenshot, fullPage: true })
  expect((await stat(screenshot)).size).toBeGreaterThan(1000)
  expect(problems).toEqual([])
  // (Next.js adds its own role=alert route announcer: look for the app's error line only.)
  expect(await page.getByTestId('error').count()).toBe(0)
  timings.browserMs = performance.now() - started
  console.log(
    `next-app e2e: ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])))}`,
  )
}, 120_000)
