import type { NextConfig } from 'next'

const config: NextConfig = {
  // PGlite loads its WebAssembly and data files from its own package directory: let Node load it.
  serverExternalPackages: ['@electric-sql/pglite', '@electric-sql/pglite-pgvector'],
  // In this repository the SDK is compiled from its TypeScript source (the `@tripsage/source`
  // export condition, with `.js` specifiers naming `.ts` files), which Turbopack cannot resolve
  // yet; webpack can. An app that installs @tripsage/core from npm needs none of this.
  transpilePackages: ['@tripsage/core', '@tripsage/jobs', '@tripsage/testing'],
  webpack: (webpackConfig) => {
    webpackConfig.resolve.conditionNames = ['@tripsage/source', '...']
    webpackConfig.resolve.extensionAlias = { '.js': ['.ts', '.tsx', '.js'] }
    return webpackConfig
  },
}

export default config
