import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nativeTestTier, PGVECTOR_VERSION, vendoredPgvector } from './tier.js'

describe('the native test tier decision', () => {
  it('runs against the server TRIPSAGE_TEST_DATABASE_URL names, whatever this machine has', () => {
    const url = 'postgresql://postgres:postgres@127.0.0.1:54322/postgres'
    expect(nativeTestTier({ TRIPSAGE_TEST_DATABASE_URL: ` ${url} `, PATH: '' })).toEqual({
      enabled: true,
      serverUrl: url,
      buildPgvector: false,
      pgProve: false,
    })
  })

  it('finds the vendored pgvector tarball through TRIPSAGE_VENDOR_DIR, and reports its absence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tripsage-vendor-'))
    expect(vendoredPgvector({ TRIPSAGE_VENDOR_DIR: dir })).toBeNull()
    writeFileSync(join(dir, `pgvector-${PGVECTOR_VERSION}.tar.gz`), '')
    expect(vendoredPgvector({ TRIPSAGE_VENDOR_DIR: dir })).toBe(join(dir, `pgvector-${PGVECTOR_VERSION}.tar.gz`))
  })

  it('says why it is skipped when pgvector is missing and cannot be built', () => {
    const tier = nativeTestTier({ TRIPSAGE_VENDOR_DIR: mkdtempSync(join(tmpdir(), 'tripsage-empty-')), PATH: '' })
    // On a machine with pgvector installed the tier runs; without it, the reason names what is missing.
    if (!tier.enabled) expect(tier.reason).toMatch(/PostgreSQL 15|pgvector/)
    else expect(tier.buildPgvector).toBe(false)
  })
})
