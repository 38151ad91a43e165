import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    embedded: 'src/embedded.ts',
    'storage/fs': 'src/storage/fs.ts',
    'ai-sdk': 'src/ai-sdk.ts',
    pg: 'src/pg.ts',
    'postgres-js': 'src/postgres-js.ts',
  },
  format: ['esm', 'cjs'],
  // kysely-supabase is a build-time helper (its peer is the Supabase CLI): inline its types.
  dts: { resolve: ['kysely-supabase'] },
  sourcemap: true,
  clean: true,
  target: 'es2023',
  treeshake: true,
})
