/**
 * `@tripsage/core/storage/fs` — the embedded-mode storage adapter (Node only: it uses `node:fs`).
 *
 * @packageDocumentation
 * @module @tripsage/core/storage/fs
 */
export { type FileSystemStorage, type FileSystemStorageOptions, fileSystemStorage } from './file-system-storage.js'
export { type SignedUrlVerification, type VerifySignedUrlOptions, verifySignedUrl } from './signed-url.js'
