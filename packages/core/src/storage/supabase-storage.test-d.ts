import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { describe, expectTypeOf, it } from 'vitest'
import type { BlobStore } from './blob-store.js'
import { type SupabaseStorageClient, supabaseStorage } from './supabase-storage.js'

describe('supabaseStorage typing', () => {
  it('accepts the real SupabaseClient through the narrow structural slice', () => {
    expectTypeOf<SupabaseClient>().toExtend<SupabaseStorageClient>()
    expectTypeOf(supabaseStorage(createClient('http://localhost', 'key'))).toEqualTypeOf<BlobStore>()
  })

  it('does not accept something without storage', () => {
    expectTypeOf<{ from(bucket: string): unknown }>().not.toExtend<SupabaseStorageClient>()
  })
})
