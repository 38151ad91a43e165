import { execFile } from 'node:child_process'
import { cp, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const here = fileURLToPath(new URL('.', import.meta.url))
/** The `runtimes/` workspace folder. */
export const runtimesRoot = join(here, '..')
/** The repository root. */
export const repoRoot = join(runtimesRoot, '..')

/** The dependencies of the app itself (not of the SDK): the drivers and Kysely. */
const appDependencies = ['kysely', 'kysely-postgres-js', 'pg', 'postgres']

/** The SDK packages a consumer installs. */
const sdkPackages = ['core', 'jobs', 'testing']

/** The projects {@link assembleConsumer} lays out. */
export interface Consumer {
  /** The runtime app (`runtimes/src`) with its drivers. */
  app: string
  /** The quickstart example (`examples/quickstart/src`) with its dependencies. */
  quickstart: string
}

/**
 * Lays out what a user's project holds after installing the SDK: `@tripsage/core`,
 * `@tripsage/jobs` and `@tripsage/testing` as their `package.json` (exports map) plus freshly
 * built `dist/` (each package's own `tsup.config.ts`, JavaScript only) and their dependencies; then
 * two projects that import them: the runtime app with its drivers, and the quickstart example.
 * Built into `root`, never into the packages' own `dist/`.
 *
 * @param root - an empty temp folder
 */
export async function assembleConsumer(root: string): Promise<Consumer> {
  const build = (name: string) =>
    run(process.execPath, ['--import', 'tsx', join(here, 'build-package.ts'), join(root, name, 'dist')], {
      cwd: join(repoRoot, 'packages', name),
      maxBuffer: 16 << 20,
    })
  await Promise.all(sdkPackages.map(build))
  for (const name of sdkPackages) {
    await cp(join(repoRoot, 'packages', name, 'package.json'), join(root, name, 'package.json'))
    // The package's installed dependencies, with @tripsage/* pointing at the copies built here.
    const modules = join(root, name, 'node_modules')
    await linkModules(join(repoRoot, 'packages', name, 'node_modules'), modules, root)
  }
  const app = await assembleProject(root, 'app', runtimesRoot, ['@tripsage/core', '@tripsage/jobs', ...appDependencies])
  const quickstartRoot = join(repoRoot, 'examples', 'quickstart')
  const quickstartManifest = JSON.parse(await readFile(join(quickstartRoot, 'package.json'), 'utf8'))
  const quickstart = await assembleProject(
    root,
    'quickstart',
    quickstartRoot,
    Object.keys(quickstartManifest.dependencies),
  )
  return { app, quickstart }
}

/**
 * Copies a project's `src/` into `<root>/<name>`, with a `package.json` naming its dependencies
 * and a `node_modules` linking them (the SDK packages to the copies built here).
 */
async function assembleProject(root: string, name: string, from: string, dependencies: string[]): Promise<string> {
  const dir = join(root, name)
  await cp(join(from, 'src'), join(dir, 'src'), { recursive: true })
  const manifest = {
    name,
    private: true,
    type: 'module',
    dependencies: Object.fromEntries(dependencies.map((d) => [d, '*'])),
  }
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  for (const dependency of dependencies) {
    const sdk = /^@tripsage\/(.+)$/.exec(dependency)?.[1]
    const target = sdk ? join(root, sdk) : join(from, 'node_modules', dependency)
    await mkdir(dirname(join(dir, 'node_modules', dependency)), { recursive: true })
    await symlink(target, join(dir, 'node_modules', dependency))
  }
  return dir
}

/** Mirrors a pnpm `node_modules` folder with symlinks, sending `@tripsage/<name>` to `<root>/<name>`. */
async function linkModules(from: string, to: string, root: string): Promise<void> {
  await mkdir(to, { recursive: true })
  for (const entry of await readdir(from)) {
    if (entry.startsWith('.')) continue
    if (entry === '@tripsage') {
      await mkdir(join(to, entry), { recursive: true })
      for (const name of await readdir(join(from, entry)))
        await symlink(sdkPackages.includes(name) ? join(root, name) : join(from, entry, name), join(to, entry, name))
    } else {
      await symlink(join(from, entry), join(to, entry))
    }
  }
}
