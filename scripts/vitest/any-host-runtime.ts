import { builtinModules } from 'node:module'
import { init, parse } from 'es-module-lexer'
import type { Plugin } from 'vitest/config'

/** The specifier prefix a Node import is rewritten to; it resolves to a module that throws. */
const rejected = 'tripsage-no-node:'
/** Separates the built-in's name from its importer in a rewritten specifier. */
const by = '?importer='
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]))

/** True for `node:fs`, `fs`, `fs/promises`… — any Node built-in module. */
export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtins.has(specifier)
}

/**
 * The Vite plugin behind the "any host runtime" test environment. Vitest resolves Node built-ins
 * inside its worker before any plugin sees them, so an environment alone (`edge-runtime`) still
 * lets `import('node:fs')` through. This plugin rewrites every import of a built-in in every
 * module Vite transforms (tests, the SDK's source, and the dependencies the project inlines) to a
 * module that throws, as Cloudflare Workers or Vercel Edge would refuse it:
 *
 * - `import … from 'node:fs'` and `export … from 'fs'`: the importing module fails to load;
 * - `import('node:fs')`, and `import(name)` whose value is a built-in at run time: rejects.
 *
 * Modules Vitest loads natively (CommonJS dependencies it cannot inline) are outside its reach:
 * the runtime matrix (`runtimes/`) runs the real hosts for that.
 */
export function anyHostRuntime(): Plugin {
  return {
    name: 'tripsage:any-host-runtime',
    enforce: 'post',
    resolveId(id) {
      return id.startsWith(rejected) ? `\0${id}` : undefined
    },
    load(id) {
      if (!id.startsWith(`\0${rejected}`)) return undefined
      const [name, importer] = id.slice(rejected.length + 1).split(by)
      const where = importer ? ` (imported by ${importer})` : ''
      return `throw new Error(${JSON.stringify(`"${name}" is a Node built-in module${where}: it does not exist on a host runtime without Node APIs (Cloudflare Workers without nodejs_compat, Vercel Edge)`)})`
    },
    async transform(code, id) {
      if (id.startsWith('\0') || !/\bimport\b|\bexport\b/.test(code)) return undefined
      await init
      let imports: ReturnType<typeof parse>[0]
      try {
        ;[imports] = parse(code, id)
      } catch {
        return undefined
      }
      let out = code
      // From the end, so earlier offsets stay valid.
      for (const entry of [...imports].sort((a, b) => b.s - a.s)) {
        if (entry.d === -1 && entry.n && isNodeBuiltin(entry.n)) {
          out = `${out.slice(0, entry.s)}${rejected}${entry.n}${by}${id}${out.slice(entry.e)}`
        } else if (entry.d >= 0) {
          const expression = out.slice(entry.s, entry.e)
          const guard = `((s) => ${JSON.stringify([...builtins])}.includes(String(s)) || String(s).startsWith('node:') ? ${JSON.stringify(rejected)} + s : s)(${expression})`
          out = `${out.slice(0, entry.s)}${guard}${out.slice(entry.e)}`
        }
      }
      return out === code ? undefined : { code: out, map: null }
    },
  }
}
