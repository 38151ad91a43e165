import { describe, expectTypeOf, it } from 'vitest'
import type { TripSage } from '../client.js'
import type { Page } from '../pagination.js'
import type { SignedUrl } from '../storage/blob-store.js'
import type { Attachment, AttachmentUpload } from './schema.js'

describe('me.attachments and tripsage.service.keys typing', () => {
  it('exposes the documented shapes', () => {
    type Me = ReturnType<TripSage['forUser']>
    expectTypeOf<Me['attachments']['createUpload']>().returns.resolves.toEqualTypeOf<AttachmentUpload>()
    expectTypeOf<Me['attachments']['find']>().returns.resolves.toEqualTypeOf<Attachment | null>()
    expectTypeOf<Me['attachments']['list']>().returns.resolves.toEqualTypeOf<Page<Attachment>>()
    expectTypeOf<Me['attachments']['signedUrl']>().returns.resolves.toEqualTypeOf<SignedUrl>()
    expectTypeOf<Me['keys']['list']>().returns.resolves.items.not.toHaveProperty('vaultSecretName')
    expectTypeOf<TripSage['service']['keys']['get']>().returns.resolves.toEqualTypeOf<string | null>()
    // A user scope can never read a key back.
    expectTypeOf<Me['keys']>().not.toHaveProperty('get')
  })
})
