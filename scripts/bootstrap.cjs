#!/usr/bin/env node
/*
 * The toolchain wrapper behind `npm run demo`, `npm test`, `npm run bench` and `npm run tarballs`
 * (and the same scripts run through pnpm), in the spirit of `./gradlew`: it brings what the repo
 * needs when the machine lacks it, then runs the task.
 *
 *   1. Node ≥ 22.12 (Vitest 5 and kysely need it; on Node 20 Vitest's reporter crashes with
 *      `Map.groupBy is not a function`): when the running Node is older, it installs the official
 *      binary from npm (`node-<platform>-<arch>@NODE_VERSION`) into the cache and re-runs itself
 *      with it.
 *   2. pnpm at the version `packageManager` pins: the one on PATH if it is that version, or else
 *      `pnpm@<pin>` installed from npm into the cache. A global pnpm at another version
 *      (`npm install -g pnpm` gives 12, which refuses the pin with ERR_PNPM_BAD_CONFIG_DEP) is
 *      shadowed, never used.
 *   3. `pnpm install --frozen-lockfile` when node_modules is missing or older than a manifest.
 *   4. For `test` (and `bench`): the system programs the tests start (redis-server, PostgreSQL,
 *      Chromium…). As root on Debian it installs the missing ones with apt-get; otherwise it names
 *      them and the command that installs them, and stops.
 *   5. The task (demo, test, bench, tarballs), with the cached Node and pnpm first on PATH for
 *      everything it starts.
 *
 * Cache: $TRIPSAGE_CACHE, else $XDG_CACHE_HOME/tripsage, else ~/.cache/tripsage.
 * It must itself run on old Node (20 and earlier): CommonJS, no dependencies, nothing newer than ES2018.
 */
'use strict'

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

/** The lowest Node the repo runs on (Vitest 5: `Map.groupBy`; `require()` of ESM-only kysely: 22.12). */
const NODE_MINIMUM = [22, 12, 0]
/** The Node the wrapper installs when the machine's is older (the `node-<platform>-<arch>` npm package). */
const NODE_VERSION = '24.22.3'

const root = path.resolve(__dirname, '..')
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const PNPM_VERSION = String(manifest.packageManager || '')
  .replace(/^pnpm@/, '')
  .split('+')[0]

/**
 * System programs the tests start. `check(searchPath)` says whether it is present; `apt` names the
 * Debian packages that provide it. An entry that apt alone cannot satisfy (say, an extension built
 * from source) adds `build`, a function run as root after apt-get that returns an exit status, and
 * `manual`, the instruction printed to users who are not root. The native PostgreSQL tier adds its
 * programs (pgvector, pgbouncer, pg_prove…) here, so `npm test` installs them on CI.
 */
const SYSTEM_PREREQUISITES = [
  {
    what: 'redis-server',
    why: 'the Upstash REST bridge (rate limits, cache, idempotency tests)',
    check: (searchPath) => onPath('redis-server', searchPath) !== null,
    apt: ['redis-server'],
  },
  {
    what: 'PostgreSQL server',
    why: 'the scope tests on a real PostgreSQL',
    check: (searchPath) => postgresInstalled(searchPath),
    apt: ['postgresql'],
  },
  // The native PostgreSQL tier. Optional: where they cannot be installed (not root, no vendored
  // pgvector source) `npm test` still runs, and the tier says in one line that it was skipped;
  // .ci/run fails when the tier did not run.
  {
    what: 'pgvector 0.8.0 for PostgreSQL 15',
    why: 'the native PostgreSQL test tier (built from ../shared/vendor, cached by version)',
    optional: true,
    check: () => fs.existsSync('/usr/share/postgresql/15/extension/vector--0.8.0.sql'),
    apt: ['postgresql-15', 'postgresql-server-dev-15', 'build-essential'],
    build: (run) => run('bash', [path.join(root, 'scripts', 'native', 'install-pgvector.sh')]),
    manual:
      'pgvector: scripts/native/install-pgvector.sh (as root), or point the tier at your own Postgres with pgvector: TRIPSAGE_TEST_DATABASE_URL',
  },
  {
    what: 'pgbouncer',
    why: 'the transaction-pooler tests (Supavisor mode)',
    optional: true,
    check: (searchPath) => onPath('pgbouncer', searchPath) !== null || fs.existsSync('/usr/sbin/pgbouncer'),
    apt: ['pgbouncer'],
  },
  {
    what: 'pg_prove and pgTAP for PostgreSQL 15',
    why: 'the pgTAP suite on the native server (as `supabase test db` runs it)',
    optional: true,
    check: (searchPath) =>
      onPath('pg_prove', searchPath) !== null && fs.existsSync('/usr/share/postgresql/15/extension/pgtap.control'),
    apt: ['postgresql-15-pgtap', 'libtap-parser-sourcehandler-pgtap-perl'],
  },
  {
    what: 'Chromium (/usr/bin/chromium)',
    why: "examples/next-app's end-to-end test",
    check: () => fs.existsSync('/usr/bin/chromium'),
    apt: ['chromium'],
  },
]

/**
 * What each task runs once the toolchain is there, in order (a failing step stops the task);
 * `system` says whether it needs SYSTEM_PREREQUISITES.
 */
const TASKS = {
  demo: {
    system: false,
    commands: (args) => [['pnpm', ['--filter', '@tripsage/example-quickstart', 'start'].concat(args)]],
  },
  test: { system: true, commands: (args) => [['pnpm', ['exec', 'vitest', 'run'].concat(args)]] },
  bench: {
    system: true,
    commands: (args) => [
      ['node', ['--conditions=@tripsage/source', '--import', 'tsx', path.join('bench', 'run.ts')].concat(args)],
    ],
  },
  // `npm run tarballs -- <dir>`: build and `pnpm pack` every package into <dir> (default
  // ./tarballs), to install them in another project before they are published.
  tarballs: {
    system: false,
    commands: (args) => {
      const destination = path.resolve(process.env.INIT_CWD || process.cwd(), args[0] || 'tarballs')
      return [
        ['pnpm', ['build']],
        ['pnpm', ['-r', '--filter', './packages/*', 'pack', '--pack-destination', destination]],
      ]
    },
  },
}

function say(line) {
  process.stderr.write(`tripsage: ${line}\n`)
}

function fail(lines, code) {
  for (const line of [].concat(lines)) say(line)
  process.exit(code === undefined ? 1 : code)
}

function onPath(program, searchPath) {
  const dirs = String(searchPath === undefined ? process.env.PATH || '' : searchPath).split(path.delimiter)
  for (const dir of dirs) {
    if (!dir) continue
    try {
      fs.accessSync(path.join(dir, program), fs.constants.X_OK)
      return path.join(dir, program)
    } catch (_) {}
  }
  return null
}

function postgresInstalled(searchPath) {
  const base = '/usr/lib/postgresql'
  try {
    if (fs.readdirSync(base).some((v) => fs.existsSync(path.join(base, v, 'bin', 'postgres')))) return true
  } catch (_) {}
  return onPath('postgres', searchPath) !== null
}

function versionAtLeast(version, minimum) {
  const parts = version.replace(/^v/, '').split('.').map(Number)
  for (let i = 0; i < minimum.length; i++) {
    if ((parts[i] || 0) !== minimum[i]) return (parts[i] || 0) > minimum[i]
  }
  return true
}

function cacheDir() {
  if (process.env.TRIPSAGE_CACHE) return process.env.TRIPSAGE_CACHE
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache')
  return path.join(xdg, 'tripsage')
}

/** Runs a command with inherited stdio; returns its exit status (signals count as failure). */
function run(command, args, options) {
  const result = spawnSync(command, args, Object.assign({ stdio: 'inherit', cwd: root }, options))
  if (result.error) fail([`could not run ${command}: ${result.error.message}`])
  return result.status === null ? 1 : result.status
}

/** The npm that started us (`npm run`), else the one on PATH: used only to fetch Node and pnpm. */
function npmCommand() {
  const execPath = process.env.npm_execpath
  if (execPath && /npm-cli\.js$/.test(execPath)) return [process.execPath, [execPath]]
  if (onPath('npm')) return ['npm', []]
  return null
}

/**
 * Installs one npm package into `<cache>/<name>` (atomically: a temporary folder renamed into
 * place), unless `probe` already exists there. Returns the folder.
 */
function installFromNpm(name, spec, probe, what) {
  const target = path.join(cacheDir(), name)
  if (fs.existsSync(path.join(target, probe))) return target
  const npm = npmCommand()
  if (!npm) fail([`need ${what} but there is no npm to fetch it with; install Node.js with npm first.`])
  say(`installing ${what} from npm into ${target} (once)`)
  fs.mkdirSync(cacheDir(), { recursive: true })
  const staging = `${target}.partial-${process.pid}`
  fs.rmSync(staging, { recursive: true, force: true })
  fs.mkdirSync(staging, { recursive: true })
  fs.writeFileSync(path.join(staging, 'package.json'), '{"private":true}\n')
  const status = run(
    npm[0],
    npm[1].concat(['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', spec]),
    { cwd: staging },
  )
  if (status !== 0 || !fs.existsSync(path.join(staging, probe))) {
    fs.rmSync(staging, { recursive: true, force: true })
    fail([`installing ${spec} from npm failed (exit ${status})`])
  }
  fs.rmSync(target, { recursive: true, force: true })
  fs.renameSync(staging, target)
  return target
}

/** The directory holding a Node ≥ NODE_MINIMUM: the running one's, or the cached download's. */
function nodeBinDir() {
  if (versionAtLeast(process.version, NODE_MINIMUM)) return path.dirname(process.execPath)
  const platformPackage = `node-${process.platform}-${process.arch}`
  if (process.platform === 'win32') {
    fail([`this is Node ${process.version}; the repo needs Node >= ${NODE_MINIMUM.join('.')}. Install it.`])
  }
  say(
    'this is Node ' +
      process.version +
      '; the repo needs >= ' +
      NODE_MINIMUM.join('.') +
      ', using Node ' +
      NODE_VERSION,
  )
  const probe = path.join('node_modules', platformPackage, 'bin', 'node')
  const dir = installFromNpm(
    `node-${NODE_VERSION}`,
    `${platformPackage}@${NODE_VERSION}`,
    probe,
    `Node ${NODE_VERSION}`,
  )
  return path.join(dir, 'node_modules', platformPackage, 'bin')
}

/** The directory holding a `pnpm` at PNPM_VERSION, first on PATH for the task. */
function pnpmBinDir() {
  if (!PNPM_VERSION) fail(['package.json has no "packageManager": "pnpm@<version>" pin'])
  // A pnpm on PATH at the pinned version (asked outside the repo: another version would refuse it).
  const found = onPath('pnpm')
  if (found) {
    const probe = spawnSync(found, ['--version'], { cwd: os.tmpdir(), encoding: 'utf8', timeout: 20000 })
    if (probe.status === 0 && probe.stdout.trim() === PNPM_VERSION) return path.dirname(found)
  }
  const probe = path.join('node_modules', '.bin', 'pnpm')
  const dir = installFromNpm(`pnpm-${PNPM_VERSION}`, `pnpm@${PNPM_VERSION}`, probe, `pnpm ${PNPM_VERSION}`)
  return path.join(dir, 'node_modules', '.bin')
}

/** True when node_modules was installed after the lockfile and every workspace manifest last changed. */
function dependenciesInstalled() {
  const stamp = path.join(root, 'node_modules', '.tripsage-installed')
  let installedAt
  try {
    installedAt = fs.statSync(stamp).mtimeMs
  } catch (_) {
    return false
  }
  const manifests = ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json']
  for (const group of ['packages', 'examples']) {
    let entries = []
    try {
      entries = fs.readdirSync(path.join(root, group))
    } catch (_) {}
    for (const entry of entries) manifests.push(path.join(group, entry, 'package.json'))
  }
  manifests.push(path.join('bench', 'package.json'))
  return manifests.every((file) => {
    try {
      return fs.statSync(path.join(root, file)).mtimeMs <= installedAt
    } catch (_) {
      return true
    }
  })
}

/** The SYSTEM_PREREQUISITES this machine lacks (programs are looked up on `searchPath`). */
function missingPrerequisites(searchPath) {
  return SYSTEM_PREREQUISITES.filter((p) => !p.check(searchPath))
}

/** The Debian packages that provide the missing prerequisites, without repeats. */
function aptPackages(missing) {
  const packages = []
  for (const p of missing) for (const name of p.apt) if (packages.indexOf(name) < 0) packages.push(name)
  return packages
}

/** What to tell a user who cannot install the prerequisites here (not root, or no apt-get). */
function missingReport(missing, hasApt) {
  const lines = ['the tests need programs this machine lacks:']
  for (const p of missing) lines.push(`  - ${p.what}, for ${p.why}`)
  lines.push(`Install them${hasApt ? ':' : " (Debian package names; use your system's equivalents):"}`)
  if (aptPackages(missing).length > 0) lines.push(`  sudo apt-get install -y ${aptPackages(missing).join(' ')}`)
  for (const p of missing) if (p.manual) lines.push(`  ${p.manual}`)
  lines.push('then run this command again. (TRIPSAGE_SKIP_SYSTEM_CHECK=1 runs anyway; the tests that need them fail.)')
  return lines
}

function ensureSystemPrerequisites() {
  if (process.env.TRIPSAGE_SKIP_SYSTEM_CHECK === '1') return
  const missing = missingPrerequisites()
  if (missing.length === 0) return
  const packages = aptPackages(missing)
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  const apt = onPath('apt-get')
  if (!isRoot || !apt) {
    const required = missing.filter((p) => !p.optional)
    if (required.length > 0) fail(missingReport(missing, apt !== null))
    say(`optional, not installed: ${missing.map((p) => p.what).join(', ')} (the tests that need them say so once)`)
    return
  }
  say(
    `installing ${missing.map((p) => p.what).join(', ')}${packages.length > 0 ? ` (apt-get: ${packages.join(' ')})` : ''}`,
  )
  const env = Object.assign({}, process.env, { DEBIAN_FRONTEND: 'noninteractive' })
  if (packages.length > 0 && run(apt, ['update', '-qq'], { env }) !== 0) fail(['apt-get update failed'])
  if (packages.length > 0 && run(apt, ['install', '-y', '-qq'].concat(packages), { env }) !== 0) {
    fail([`apt-get install ${packages.join(' ')} failed`])
  }
  for (const p of missing) {
    if (p.build && !p.check() && p.build(run) !== 0) {
      if (!p.optional) fail([`installing ${p.what} failed`])
      say(`installing ${p.what} failed; the tests that need it say so once`)
    }
  }
  const still = missingPrerequisites().filter((p) => !p.optional)
  if (still.length > 0) fail([`still missing after apt-get: ${still.map((p) => p.what).join(', ')}`])
}

function main() {
  const task = process.argv[2]
  const args = process.argv.slice(3)
  if (!Object.hasOwn(TASKS, task)) {
    fail([`usage: node scripts/bootstrap.cjs <${Object.keys(TASKS).join('|')}> [args…]`], 2)
  }
  const pnpmBin = pnpmBinDir()
  const nodeBin = nodeBinDir()
  // The system directories last: a PATH without sbin (e.g. `env -i PATH=/usr/bin:/bin`) would
  // hide `runuser`, which startPostgresServer() needs as root.
  const pathDirs = [nodeBin, pnpmBin].concat((process.env.PATH || '').split(path.delimiter).filter(Boolean))
  for (const dir of ['/usr/local/sbin', '/usr/sbin', '/sbin']) {
    if (process.platform !== 'win32' && pathDirs.indexOf(dir) < 0) pathDirs.push(dir)
  }
  const env = Object.assign({}, process.env, { PATH: pathDirs.join(path.delimiter) })
  // Run the rest on the right Node: re-run this script with it.
  if (nodeBin !== path.dirname(process.execPath)) {
    const status = run(path.join(nodeBin, 'node'), [__filename].concat(process.argv.slice(2)), { env })
    process.exit(status)
  }
  if (!dependenciesInstalled()) {
    say(`installing dependencies (pnpm ${PNPM_VERSION}, node ${process.version})`)
    // The pinned pnpm owns node_modules: if another pnpm (e.g. a global 12) laid it out, pnpm
    // would ask before rebuilding it, and there is no one to answer.
    const install = ['install', '--frozen-lockfile', '--config.confirmModulesPurge=false']
    if (run(path.join(pnpmBin, 'pnpm'), install, { env }) !== 0) {
      fail(['pnpm install failed'])
    }
    fs.writeFileSync(path.join(root, 'node_modules', '.tripsage-installed'), `${new Date().toISOString()}\n`)
  }
  if (TASKS[task].system) ensureSystemPrerequisites()
  for (const [name, commandArgs] of TASKS[task].commands(args)) {
    const program = name === 'node' ? process.execPath : path.join(pnpmBin, name)
    const status = run(program, commandArgs, { env })
    if (status !== 0) process.exit(status)
  }
}

// Run as a script; `require()`d by scripts/bootstrap.test.ts for the pure parts.
if (require.main === module) main()

module.exports = { SYSTEM_PREREQUISITES, missingPrerequisites, missingReport, versionAtLeast, NODE_MINIMUM }
