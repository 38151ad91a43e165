import { execFile } from 'node:child_process'
import { cp, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
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

/**
 * Lays out what a user's project holds after installing the SDK: `@tripsage/core` and
 * `@tripsage/jobs` as their `package.json` (exports map) plus freshly built `dist/` (each
 * package's own `tsup.config.ts`, JavaScript only), their dependencies, the drivers, and the
 * runtime app's source in `app/src`. Built into `root`, never into the packages' own `dist/`.
 *
 * @param root - an empty temp folder
 * @returns the app folder (`<root>/app`)
 */
export async function assembleConsumer(root: string): Promise<string> {
  const build = (name: string) =>
    run(process.execPath, ['--import', 'tsx', join(here, 'build-package.ts'), join(root, name, 'dist')], {
      cwd: join(repoRoot, 'packages', name),
      maxBuffer: 16 << 20,
    })
  await Promise.all([build('core'), build('jobs')])
  for (const name of ['core', 'jobs']) {
    await cp(join(repoRoot, 'packages', name, 'package.json'), join(root, name, 'package.json'))
    // The package's installed dependencies, with @tripsage/* pointing at the copies built here.
    const modules = join(root, name, 'node_modules')
    await linkModules(join(repoRoot, 'packages', name, 'node_modules'), modules, root)
  }
  const app = join(root, 'app')
  await cp(join(runtimesRoot, 'src'), join(app, 'src'), { recursive: true })
  const manifest = JSON.parse(await readFile(join(runtimesRoot, 'package.json'), 'utf8'))
  const dependencies = Object.fromEntries(
    ['@tripsage/core', '@tripsage/jobs', ...appDependencies].map((name) => [
      name,
      manifest.dependencies[name].startsWith('workspace:') ? '*' : manifest.dependencies[name],
    ]),
  )
  await writeFile(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'runtime-app', private: true, type: 'module', dependencies }, null, 2)}\n`,
  )
  await mkdir(join(app, 'node_modules', '@tripsage'), { recursive: true })
  for (const name of ['core', 'jobs']) await symlink(join(root, name), join(app, 'node_modules', '@tripsage', name))
  for (const name of appDependencies)
    await symlink(join(runtimesRoot, 'node_modules', name), join(app, 'node_modules', name))
  return app
}

/** Mirrors a pnpm `node_modules` folder with symlinks, sending `@tripsage/<name>` to `<root>/<name>`. */
async function linkModules(from: string, to: string, root: string): Promise<void> {
  await mkdir(to, { recursive: true })
  for (const entry of await readdir(from)) {
    if (entry.startsWith('.')) continue
    if (entry === '@tripsage') {
      await mkdir(join(to, entry), { recursive: true })
      for (const name of await readdir(join(from, entry)))
        await symlink(
          ['core', 'jobs'].includes(name) ? join(root, name) : join(from, entry, name),
          join(to, entry, name),
        )
    } else {
      await symlink(join(from, entry), join(to, entry))
    }
  }
}
