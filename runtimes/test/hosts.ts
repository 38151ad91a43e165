import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { runtimesRoot } from './consumer.js'

/** A running host: requests go to it, `stop` ends it. */
export interface RunningHost {
  /** Sends a request to the host's app (`path` starts with `/`). */
  fetch(path: string, init?: RequestInit): Promise<Response>
  /** Stops the host and closes what it holds. */
  stop(): Promise<void>
}

/** What a host gets from the test. */
export interface HostEnvironment {
  TRIPSAGE_DATABASE_URL: string
  TRIPSAGE_DRIVER: 'pg' | 'postgres.js' | 'bun:sql'
  TRIPSAGE_JOB_URL: string
  QSTASH_CURRENT_SIGNING_KEY: string
  QSTASH_NEXT_SIGNING_KEY: string
}

const bin = (name: string) => join(runtimesRoot, 'node_modules', '.bin', name)

/** The command line each spawned host runs its entry with (`app` is the consumer's app folder). */
export const hostCommands = {
  node: () => [process.execPath, 'src/hosts/node.ts'],
  bun: () => [bin('bun'), 'src/hosts/bun.ts'],
  // What `supabase functions serve` grants an Edge Function: network, env, reading its files.
  deno: () => [bin('deno'), 'run', '--allow-net', '--allow-env', '--allow-read', 'src/hosts/deno-edge-function.ts'],
} satisfies Record<string, () => string[]>

/**
 * Spawns a host process in the consumer's app folder and waits for its `listening <url>` line.
 *
 * @param command - the command line (from {@link hostCommands})
 * @param app - the consumer's app folder
 * @param env - the host's variables
 */
export async function spawnHost(command: string[], app: string, env: HostEnvironment): Promise<RunningHost> {
  const [file, ...args] = command as [string, ...string[]]
  const child = spawn(file, args, {
    cwd: app,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: the `node_modules/.bin` shims of bun and deno start the real binary
    // as a child, which a signal to the shim alone left running after the run.
    detached: true,
  })
  let output = ''
  child.stderr?.on('data', (chunk) => {
    output += chunk
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start in 60 s:\n${output}`)), 60_000)
    child.stdout?.on('data', (chunk) => {
      output += chunk
      const match = /listening (http:\/\/\S+)/.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${file} exited with ${code} before listening:\n${output}`))
    })
  })
  return {
    fetch: (path, init) => fetch(`${url}${path}`, init),
    stop: () => stopChild(child),
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const signal = (name: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, name)
    } catch {
      child.kill(name) // the group is gone already
    }
  }
  signal('SIGTERM')
  const timer = setTimeout(() => signal('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
  signal('SIGKILL') // whatever the shim left behind in its group
}

/** The Worker bundle: its file and the SDK modules in it that import a `node:` module. */
export interface WorkerBundle {
  /** The bundled module Worker. */
  file: string
  /** `<input> → <node: import>` for every module of `@tripsage/*` that imports Node. */
  sdkNodeImports: string[]
  /** What the bundle leaves to the runtime (`cloudflare:sockets`, the `node:` modules of postgres.js). */
  runtimeImports: string[]
}

/**
 * Bundles the Worker entry as wrangler does (esbuild, the `workerd` export condition, `node:*` and
 * `cloudflare:*` left to the runtime), from the consumer's installed packages.
 *
 * @param app - the consumer's app folder
 */
export async function bundleWorker(app: string): Promise<WorkerBundle> {
  const file = join(app, 'worker.mjs')
  const result = await build({
    entryPoints: [join(app, 'src/hosts/worker.ts')],
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2023',
    conditions: ['workerd', 'worker', 'import'],
    mainFields: ['module', 'main'],
    external: ['node:*', 'cloudflare:*'],
    metafile: true,
    logLevel: 'silent',
  })
  const sdkNodeImports = Object.entries(result.metafile.inputs)
    .filter(([input]) => /(^|\/)(core|jobs)\/dist\//.test(input))
    .flatMap(([input, { imports }]) =>
      imports.filter((i) => i.path.startsWith('node:')).map((i) => `${input} → ${i.path}`),
    )
  const runtimeImports = [
    ...new Set(
      Object.values(result.metafile.outputs).flatMap(({ imports }) =>
        imports.filter((i) => i.external).map((i) => i.path),
      ),
    ),
  ].sort()
  return { file, sdkNodeImports, runtimeImports }
}

/**
 * Runs the bundled Worker in workerd through Miniflare, with `nodejs_compat` (postgres.js needs it).
 *
 * @param bundle - from {@link bundleWorker}
 * @param env - the Worker's bindings
 */
export async function startWorker(bundle: WorkerBundle, env: HostEnvironment): Promise<RunningHost> {
  const mf = new Miniflare({
    modules: true,
    scriptPath: bundle.file,
    modulesRoot: dirname(bundle.file),
    compatibilityDate: '2025-09-01',
    compatibilityFlags: ['nodejs_compat'],
    bindings: { ...env },
  })
  await mf.ready
  return {
    fetch: async (path, init) =>
      (await mf.dispatchFetch(`http://worker.test${path}`, init as never)) as unknown as Response,
    stop: () => mf.dispose(),
  }
}
