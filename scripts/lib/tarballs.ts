/**
 * Helpers for the published-artefact test: pack the packages with `pnpm pack`, install the
 * tarballs into a throwaway project outside the workspace, and inspect what was published.
 */
import { execFile } from 'node:child_process'
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises'
import { builtinModules } from 'node:module'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** A package as published: its manifest (after `pnpm pack` rewrote `workspace:` ranges) and tarball. */
export interface PackedPackage {
  readonly name: string
  readonly tarball: string
  readonly manifest: PackageManifest
}

/** The parts of a package.json the checks read. */
export interface PackageManifest {
  name: string
  version: string
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  [key: string]: unknown
}

/**
 * The environment for a child `pnpm`/`node` process that must behave as if run by a user in a
 * fresh shell: the `npm_*` variables pnpm exports to scripts (config, package, lifecycle) would
 * otherwise leak the workspace's settings into the temporary project.
 */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)))
}

/**
 * `pnpm pack` of one workspace package into `destination`.
 *
 * @param packageDir - the package directory (already built)
 * @param destination - where the tarball is written
 */
export async function packPackage(packageDir: string, destination: string): Promise<PackedPackage> {
  const { stdout } = await run('pnpm', ['pack', '--pack-destination', destination], {
    cwd: packageDir,
    env: cleanEnv(),
  })
  const tarball = stdout
    .split('\n')
    .map((line) => line.trim())
    .findLast((line) => line.endsWith('.tgz'))
  if (!tarball) throw new Error(`pnpm pack printed no tarball path:\n${stdout}`)
  const { stdout: json } = await run('tar', ['-xzOf', tarball, 'package/package.json'])
  const manifest = JSON.parse(json) as PackageManifest
  return { name: manifest.name, tarball, manifest }
}

/**
 * The files inside a tarball, relative to its `package/` root.
 *
 * @param tarball - a `.tgz` made by `pnpm pack`
 */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tzf', tarball], { maxBuffer: 16 * 1024 * 1024 })
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^package\//, ''))
}

/**
 * Writes a consumer project that depends on the tarballs (and on extra registry packages), copies
 * the fixture files into it and installs with pnpm. `overrides` point the packages' dependencies on
 * each other (`@tripsage/core: ^0.0.0` after packing) at the tarballs, since they are not on npm.
 *
 * @param dir - an empty directory outside the workspace
 * @param packed - the packed packages
 * @param extra - registry dependencies the consumer adds itself (e.g. the optional peers it uses)
 * @param fixtures - files copied into the project root
 */
export async function installConsumer(
  dir: string,
  packed: readonly PackedPackage[],
  extra: Record<string, string>,
  fixtures: readonly string[],
): Promise<{ installMs: number }> {
  const fromTarballs = Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`]))
  const manifest = {
    name: 'tripsage-tarball-consumer',
    private: true,
    type: 'module',
    dependencies: { ...fromTarballs, ...extra },
    pnpm: { overrides: fromTarballs },
  }
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  for (const file of fixtures) await copyFile(file, join(dir, file.split('/').at(-1)!))
  const started = performance.now()
  // --prefer-offline: reuse the local store and metadata cache; only missing packages hit the registry.
  // --no-frozen-lockfile: pnpm defaults to a frozen lockfile when CI is set, and there is none here.
  await run('pnpm', ['install', '--prefer-offline', '--no-frozen-lockfile', '--reporter=silent'], {
    cwd: dir,
    env: cleanEnv(),
    maxBuffer: 16 * 1024 * 1024,
  })
  return { installMs: performance.now() - started }
}

/**
 * The module specifiers a declaration file imports: `import … from`, `export … from`,
 * `import('…')` types, and `/// <reference types="…" />` as `@types/…` (`node:` for Node's own).
 *
 * @param text - the contents of a `.d.ts` / `.d.cts` file
 */
export function declarationImports(text: string): string[] {
  const found = new Set<string>()
  // TSDoc examples inside /** … */ are prose, not imports: drop block comments (the reference
  // directives below are line comments and stay).
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '')
  const patterns = [
    /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ]
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.add(match[1]!)
  // A types reference names an @types package; `node` stands for the Node built-ins.
  for (const match of text.matchAll(/\/\/\/\s*<reference\s+types\s*=\s*['"]([^'"]+)['"]/g)) {
    found.add(match[1] === 'node' ? 'node:' : `@types/${match[1]}`)
  }
  return [...found]
}

/**
 * The npm package a bare specifier resolves to (`@scope/name/sub` → `@scope/name`), `null` for
 * relative paths and Node built-ins, which need no dependency.
 *
 * @param specifier - a module specifier
 */
export function packageOfSpecifier(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return null
  if (specifier.startsWith('node:') || builtinModules.includes(specifier)) return null
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

/** One import in a published declaration file that the package does not declare. */
export interface UndeclaredImport {
  readonly file: string
  readonly specifier: string
}

/**
 * Every import in the installed package's `.d.ts`/`.d.cts` files that names a package which is
 * neither the package itself nor one of its dependencies or peers — a consumer's type-check would
 * fail (or silently fall back to `any`) on it.
 *
 * @param installedDir - the package's directory inside the consumer's node_modules
 */
export async function undeclaredTypeImports(
  installedDir: string,
): Promise<{ checked: string[]; undeclared: UndeclaredImport[]; builtins: UndeclaredImport[] }> {
  const manifest = JSON.parse(await readFile(join(installedDir, 'package.json'), 'utf8')) as PackageManifest
  const declared = new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ])
  const files = (await readdir(join(installedDir, 'dist'), { recursive: true }))
    .filter((file) => /\.d\.c?ts$/.test(file))
    .map((file) => join('dist', file))
  const undeclared: UndeclaredImport[] = []
  const builtins: UndeclaredImport[] = []
  for (const file of files) {
    const text = await readFile(join(installedDir, file), 'utf8')
    for (const specifier of declarationImports(text)) {
      const owner = packageOfSpecifier(specifier)
      if (owner === null) {
        if (!specifier.startsWith('.')) builtins.push({ file, specifier })
      } else if (!declared.has(owner)) undeclared.push({ file, specifier })
    }
  }
  return { checked: files, undeclared, builtins }
}
