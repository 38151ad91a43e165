/**
 * The peer libraries (LangChain, mem0: ~300 packages, with native build scripts) are not part of
 * the default install. `bench/peers/` is a project of its own with its own lockfile; this installs
 * it on demand, the first time the peer benchmark runs (or `pnpm --filter @tripsage/bench
 * peers:install`). Later runs find `bench/peers/node_modules` up to date and skip the install.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { benchDir } from './results.js'

/** `bench/peers/`: the standalone project holding the peer libraries. */
export const peersDir = join(benchDir, 'peers')

/** True when `bench/peers/node_modules` was installed from the current `bench/peers/pnpm-lock.yaml`. */
function installed(): boolean {
  const lockfile = join(peersDir, 'pnpm-lock.yaml')
  const installedLockfile = join(peersDir, 'node_modules', '.pnpm', 'lock.yaml')
  if (!existsSync(installedLockfile)) return false
  // pnpm copies the lockfile it installed into the virtual store; the importers section matches.
  const wanted = readFileSync(lockfile, 'utf8').split('\npackages:')[0]!.trim()
  const current = readFileSync(installedLockfile, 'utf8').split('\npackages:')[0]!.trim()
  return wanted === current
}

/**
 * The pnpm that runs this script (`npm_execpath` under `pnpm run`), else `pnpm` from `PATH`: the
 * same version the workspace pins.
 */
function pnpmCommand(): [string, string[]] {
  const execPath = process.env.npm_execpath
  if (execPath && /pnpm\.c?js$/.test(execPath)) return [process.execPath, [execPath]]
  return ['pnpm', []]
}

/** Installs `bench/peers/` (frozen lockfile) unless it is already installed. Throws when the install fails. */
export function ensurePeerDependencies(log: (line: string) => void = () => undefined): void {
  if (installed()) return
  log('installing the peer libraries into bench/peers (once; they are not part of the default install)')
  const [command, prefix] = pnpmCommand()
  const result = spawnSync(
    command,
    [...prefix, 'install', '--dir', peersDir, '--ignore-workspace', '--frozen-lockfile', '--reporter=append-only'],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  )
  if (result.status !== 0)
    throw new Error(`pnpm install in bench/peers failed (exit ${result.status ?? result.signal})`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  ensurePeerDependencies((line) => process.stdout.write(`peers: ${line}\n`))
}
