export { assertEmbedderFitsColumn, EMBEDDING_DIMENSIONS, type Embedder, type EmbedOptions } from './embedder.js'
export { LOCAL_EMBEDDER_MODEL, type LocalEmbedderOptions, localEmbedder } from './local-embedder.js'
export { parseVectorText, toVectorText } from './vector-text.js'
