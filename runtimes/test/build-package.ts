/**
 * Builds one package's JavaScript exactly as `pnpm build` does (its own `tsup.config.ts`), minus
 * declarations, source maps and the CJS build, into another folder, so the runtime matrix never races the
 * packaging test over `dist/`. Run with the package folder as the working directory (tsup takes
 * the dependencies to keep external from `./package.json`):
 * `node --import tsx build-package.ts <outDir>`.
 */
import { resolve } from 'node:path'
import { build, type Options } from 'tsup'

const outDir = process.argv[2]
if (!outDir) throw new Error('usage: build-package.ts <outDir>')
const { default: config } = (await import(resolve('tsup.config.ts'))) as { default: Options }
// ESM only: it is what every host runtime imports (the CJS build is the same code).
await build({
  ...config,
  outDir: resolve(outDir),
  format: ['esm'],
  dts: false,
  sourcemap: false,
  silent: true,
  config: false,
})
