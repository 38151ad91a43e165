export type { UserKeysRepository } from './repository.js'
export {
  type ApiKeyInfo,
  ApiKeyLookup,
  defaultKeyServices,
  type EmbedderForOptions,
  KeyServiceName,
  type KeysHealth,
  KeysOptions,
  type KeysSettings,
  SetApiKeyInput,
} from './schema.js'
export type { KeysServiceRepository } from './service-repository.js'
