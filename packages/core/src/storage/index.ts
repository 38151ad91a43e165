export type {
  BlobBody,
  BlobInfo,
  BlobStore,
  BlobUploadOptions,
  SignedUploadOptions,
  SignedUploadTarget,
  SignedUrl,
  SignedUrlOptions,
} from './blob-store.js'
export {
  assertSafeBucket,
  assertSafeObjectKey,
  isSafeBucket,
  isSafeObjectKey,
  maxObjectKeyLength,
} from './object-key.js'
export {
  type SignedUrlPurpose,
  type SignedUrlVerification,
  type VerifySignedUrlOptions,
  verifySignedUrl,
} from './signed-url.js'
export {
  type SupabaseBucketApi,
  type SupabaseStorageClient,
  type SupabaseStorageOptions,
  supabaseStorage,
} from './supabase-storage.js'
