import fc from 'fast-check'
import type { UIMessageLike, UIMessagePartLike } from './ui-message-schema.js'

/**
 * fast-check generators of AI SDK v7 `UIMessage`s covering every part type and every tool state,
 * with JSON of any shape where the AI SDK allows any (tool input and output, data, metadata).
 */

// Strings Postgres stores unchanged (no NUL, no lone surrogate), Unicode included.
const text = fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replaceAll('\u0000', ''))
const shortId = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 24 })
const json: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3, depthSize: 'small' }).map((value) =>
  // jsonb has no -0; JSON text has none either (JSON.stringify(-0) is "0").
  JSON.parse(JSON.stringify(value)),
)
const jsonObject = fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 3 })
const providerMetadata = fc.dictionary(fc.constantFrom('openai', 'anthropic', 'google'), jsonObject, { maxKeys: 2 })
const toolName = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,20}$/)

function withOptional<T extends object>(base: fc.Arbitrary<T>, extras: Record<string, fc.Arbitrary<unknown>>) {
  return fc.tuple(base, fc.record(extras, { requiredKeys: [] })).map(([a, b]) => ({ ...a, ...b }))
}

const citation = fc.record({
  source: fc.oneof(
    fc.record({ type: fc.constant('source'), sourceType: fc.constant('url'), id: shortId, url: fc.webUrl() }),
    fc.record({
      type: fc.constant('source'),
      sourceType: fc.constant('document'),
      id: shortId,
      mediaType: fc.constant('application/pdf'),
      title: text,
    }),
  ),
  startIndex: fc.nat(1000),
})

const textPart = withOptional(fc.record({ type: fc.constant('text'), text }), {
  state: fc.constantFrom('streaming', 'done'),
  providerMetadata,
  citations: fc.array(citation, { maxLength: 2 }),
})
const reasoningPart = withOptional(fc.record({ type: fc.constant('reasoning'), text }), {
  id: shortId,
  state: fc.constantFrom('streaming', 'done'),
  providerMetadata,
})
const filePart = withOptional(
  fc.record({
    type: fc.constant('file'),
    mediaType: fc.constantFrom('image/png', 'application/pdf', 'image'),
    url: fc.oneof(fc.webUrl(), fc.constant('data:image/png;base64,iVBORw0KGgo=')),
  }),
  { filename: text, providerMetadata, providerReference: fc.dictionary(fc.constant('openai'), shortId) },
)
const sourceUrlPart = withOptional(
  fc.record({ type: fc.constant('source-url'), sourceId: shortId, url: fc.webUrl() }),
  { title: text, providerMetadata },
)
const sourceDocumentPart = withOptional(
  fc.record({
    type: fc.constant('source-document'),
    sourceId: shortId,
    mediaType: fc.constant('text/plain'),
    title: text,
  }),
  { filename: text, providerMetadata },
)
const stepStartPart = fc.constant({ type: 'step-start' })
const dataPart = withOptional(fc.record({ type: toolName.map((name) => `data-${name}`), data: json }), { id: shortId })
const customPart = withOptional(fc.record({ type: fc.constant('custom'), kind: fc.constant('openai.web-search') }), {
  providerMetadata,
})
const reasoningFilePart = fc.record({
  type: fc.constant('reasoning-file'),
  mediaType: fc.constant('image/png'),
  url: fc.webUrl(),
})
const steeringPart = fc.record({
  type: fc.constant('steering-message'),
  id: shortId,
  parts: fc.array(fc.record({ type: fc.constant('text'), text }), { minLength: 1, maxLength: 2 }),
})

const approvalRequested = withOptional(fc.record({ id: shortId }), { requestReason: text, isAutomatic: fc.boolean() })

/** One tool state's fields. */
const toolState: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  withOptional(fc.record({ state: fc.constant('input-streaming') }), { input: json, rawInput: text }),
  fc.record({ state: fc.constant('input-available'), input: json }),
  fc.record({ state: fc.constant('approval-requested'), input: json, approval: approvalRequested }),
  fc.record({
    state: fc.constant('approval-responded'),
    input: json,
    approval: fc.record({ id: shortId, approved: fc.boolean() }),
  }),
  withOptional(fc.record({ state: fc.constant('output-available'), input: json, output: json }), {
    preliminary: fc.boolean(),
    resultProviderMetadata: providerMetadata,
    approval: fc.record({ id: shortId, approved: fc.constant(true) }),
  }),
  withOptional(fc.record({ state: fc.constant('output-error'), errorText: text }), { input: json }),
  fc.record({
    state: fc.constant('output-denied'),
    input: json,
    approval: withOptional(fc.record({ id: shortId, approved: fc.constant(false) }), { reason: text }),
  }),
)

const toolCommon = withOptional(fc.record({ toolCallId: shortId }), {
  title: text,
  providerExecuted: fc.boolean(),
  callProviderMetadata: providerMetadata,
  toolMetadata: jsonObject,
})

const staticToolPart = fc
  .tuple(toolName, toolCommon, toolState)
  .map(([name, common, state]) => ({ type: `tool-${name}`, ...common, ...state }))
const dynamicToolPart = fc
  .tuple(toolName, toolCommon, toolState)
  .map(([name, common, state]) => ({ type: 'dynamic-tool', toolName: name, ...common, ...state }))

/** Any part of a `UIMessage`. */
export const uiMessagePart: fc.Arbitrary<UIMessagePartLike> = fc.oneof(
  textPart,
  reasoningPart,
  staticToolPart,
  dynamicToolPart,
  filePart,
  sourceUrlPart,
  sourceDocumentPart,
  stepStartPart,
  dataPart,
  customPart,
  reasoningFilePart,
  steeringPart,
) as fc.Arbitrary<UIMessagePartLike>

/** A `UIMessage` with a unique-enough id; metadata absent, or any JSON value (null included). */
export const uiMessage: fc.Arbitrary<UIMessageLike> = fc
  .record(
    {
      id: fc.uuid(),
      role: fc.constantFrom('system', 'user', 'assistant'),
      metadata: json,
      parts: fc.array(uiMessagePart, { minLength: 1, maxLength: 6 }),
    },
    { requiredKeys: ['id', 'role', 'parts'] },
  )
  .map((message) => message as UIMessageLike)

/** A conversation: 1–8 messages with distinct ids, tool call ids distinct within each message. */
export const uiConversation: fc.Arbitrary<UIMessageLike[]> = fc.uniqueArray(uiMessage, {
  minLength: 1,
  maxLength: 8,
  selector: (message) => message.id,
})
