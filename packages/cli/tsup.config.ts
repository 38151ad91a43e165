import { defineConfig } from 'tsup'

// A command, not a library: one ESM file with its shebang, no type declarations.
export default defineConfig({
  entry: { cli: 'src/cli.ts' },
  format: ['esm'],
  platform: 'node',
  sourcemap: true,
  clean: true,
  target: 'es2023',
})
