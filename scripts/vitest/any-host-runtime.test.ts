import { describe, expect, it } from 'vitest'

// Runs in the `jobs-edge` project (the "any host runtime" environment): Node's modules must be
// as absent there as on Cloudflare Workers or Vercel Edge, whichever way they are imported.
describe('the any-host-runtime environment', () => {
  it('rejects import("node:fs")', async () => {
    await expect(import('node:fs')).rejects.toThrow(/"node:fs" is a Node built-in module/)
  })

  it('rejects a built-in without the node: prefix', async () => {
    // biome-ignore lint/style/useNodejsImportProtocol: the bare name is what this test must refuse
    await expect(import('fs')).rejects.toThrow(/"fs" is a Node built-in module/)
  })

  it('rejects a specifier computed at run time', async () => {
    const name = ['node', 'os'].join(':')
    await expect(import(/* @vite-ignore */ name)).rejects.toThrow(/"node:os" is a Node built-in module/)
  })

  it('refuses to load a module that imports node: statically', async () => {
    await expect(import('./fixtures/reads-a-file.js')).rejects.toThrow(/"node:fs" is a Node built-in module/)
  })

  it('still offers the Web APIs a handler needs', async () => {
    expect(typeof crypto.subtle.digest).toBe('function')
    expect(await new Response('ok').text()).toBe('ok')
  })
})
