import { z } from 'zod'
import { isStorableText, JsonValue } from '../json-value.js'

/**
 * The structure of an AI SDK v7 `UIMessage`, checked without loading `ai` (an optional peer): the
 * same required fields, types and per-state rules as the AI SDK's `validateUIMessages`, so every
 * message this accepts loads back as one `validateUIMessages` accepts (a property test holds the
 * two together). Objects are loose: keys this does not know are kept, because storage is verbatim.
 */

/** Most messages one `saveUIMessages` call writes. */
export const UI_MESSAGES_SAVE_MAX = 500

/** Largest message, as JSON text (UTF-8 bytes): parts with data URLs can be big, a row should not be. */
export const UI_MESSAGE_MAX_BYTES = 1_048_576

/** Longest message or tool call id, in characters (the `chat_messages_ui_id_check`). */
export const UI_MESSAGE_ID_MAX_LENGTH = 200

const json = JsonValue
const optionalJsonRecord = z.record(z.string(), json)
const providerMetadata = z.record(z.string(), optionalJsonRecord)
const toolMetadata = optionalJsonRecord
const providerReference = z.record(z.string(), z.string())
const absent = z.never().optional()

const citationSource = z.discriminatedUnion('sourceType', [
  z.looseObject({
    type: z.literal('source'),
    sourceType: z.literal('url'),
    id: z.string(),
    url: z.string(),
    title: z.string().optional(),
    providerMetadata: providerMetadata.optional(),
  }),
  z.looseObject({
    type: z.literal('source'),
    sourceType: z.literal('document'),
    id: z.string(),
    mediaType: z.string(),
    title: z.string(),
    filename: z.string().optional(),
    providerMetadata: providerMetadata.optional(),
  }),
])

const citation = z.looseObject({
  source: citationSource,
  startIndex: z.int().nonnegative().optional(),
  endIndex: z.int().nonnegative().optional(),
  citedText: z.string().optional(),
})

const filePart = z.looseObject({
  type: z.literal('file'),
  mediaType: z.string(),
  filename: z.string().optional(),
  url: z.string(),
  providerReference: providerReference.optional(),
  providerMetadata: providerMetadata.optional(),
})

const textPart = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
  citations: z.array(citation).optional(),
  state: z.enum(['streaming', 'done']).optional(),
  providerMetadata: providerMetadata.optional(),
})

const staticPart = z.discriminatedUnion('type', [
  textPart,
  z.looseObject({
    type: z.literal('reasoning'),
    id: z.string().optional(),
    text: z.string(),
    state: z.enum(['streaming', 'done']).optional(),
    providerMetadata: providerMetadata.optional(),
  }),
  z.looseObject({ type: z.literal('custom'), kind: z.string(), providerMetadata: providerMetadata.optional() }),
  z.looseObject({
    type: z.literal('source-url'),
    sourceId: z.string(),
    url: z.string(),
    title: z.string().optional(),
    providerMetadata: providerMetadata.optional(),
  }),
  z.looseObject({
    type: z.literal('source-document'),
    sourceId: z.string(),
    mediaType: z.string(),
    title: z.string(),
    filename: z.string().optional(),
    providerMetadata: providerMetadata.optional(),
  }),
  filePart,
  z.looseObject({
    type: z.literal('reasoning-file'),
    mediaType: z.string(),
    url: z.string(),
    providerMetadata: providerMetadata.optional(),
  }),
  z.looseObject({
    type: z.literal('steering-message'),
    id: z.string(),
    parts: z.array(
      z.discriminatedUnion('type', [
        textPart.pick({ type: true, text: true, providerMetadata: true }).loose(),
        filePart,
      ]),
    ),
  }),
  z.looseObject({ type: z.literal('step-start') }),
])

const dataPart = z.looseObject({
  type: z.string().startsWith('data-'),
  id: z.string().optional(),
  data: json,
})

const approvalRequested = z.looseObject({
  id: z.string(),
  approved: absent,
  descriptor: json.optional(),
  requestReason: z.string().optional(),
  reason: absent,
  isAutomatic: z.boolean().optional(),
  signature: z.string().optional(),
  inputSchemaInput: json.optional(),
})
const approvalResponded = approvalRequested.extend({ approved: z.boolean(), reason: z.string().optional() })
const approvalGranted = approvalResponded.extend({ approved: z.literal(true) })
const approvalDenied = approvalResponded.extend({ approved: z.literal(false) })

const toolCallId = z.string().min(1).max(UI_MESSAGE_ID_MAX_LENGTH)

/** The fields every tool part has, whatever its state. */
const toolCommon = {
  toolCallId,
  title: z.string().optional(),
  toolMetadata: toolMetadata.optional(),
  providerExecuted: z.boolean().optional(),
  callProviderMetadata: providerMetadata.optional(),
}

/** The per-state fields of a tool part (static `tool-*` and `dynamic-tool` alike). */
const toolStates = [
  {
    state: z.literal('input-streaming'),
    input: json.optional(),
    rawInput: z.string().optional(),
    inputEncoding: z.enum(['json', 'text']).optional(),
    output: absent,
    errorText: absent,
    approval: absent,
  },
  { state: z.literal('input-available'), input: json, output: absent, errorText: absent, approval: absent },
  {
    state: z.literal('approval-requested'),
    input: json.optional(),
    output: absent,
    errorText: absent,
    approval: approvalRequested,
  },
  {
    state: z.literal('approval-responded'),
    input: json.optional(),
    output: absent,
    errorText: absent,
    approval: approvalResponded,
  },
  {
    state: z.literal('output-available'),
    input: json,
    output: json,
    errorText: absent,
    resultProviderMetadata: providerMetadata.optional(),
    preliminary: z.boolean().optional(),
    approval: approvalGranted.optional(),
  },
  {
    state: z.literal('output-error'),
    input: json.optional(),
    rawInput: json.optional(),
    output: absent,
    errorText: z.string(),
    resultProviderMetadata: providerMetadata.optional(),
    approval: approvalGranted.optional(),
  },
  {
    state: z.literal('output-denied'),
    input: json.optional(),
    output: absent,
    errorText: absent,
    approval: approvalDenied,
  },
] as const

const toolNameLength = z.string().min(1).max(200)

const staticToolPart = z.discriminatedUnion(
  'state',
  toolStates.map((fields) =>
    z.looseObject({
      type: z
        .string()
        .startsWith('tool-')
        .refine((type) => toolNameLength.safeParse(type.slice(5)).success, {
          message: 'the tool name after "tool-" must be 1-200 characters',
        }),
      ...toolCommon,
      ...fields,
    }),
  ) as unknown as readonly [z.ZodObject, ...z.ZodObject[]],
)

const dynamicToolPart = z.discriminatedUnion(
  'state',
  toolStates.map((fields) =>
    z.looseObject({
      type: z.literal('dynamic-tool'),
      dynamic: z.literal(false).optional(),
      toolName: toolNameLength,
      ...toolCommon,
      ...fields,
    }),
  ) as unknown as readonly [z.ZodObject, ...z.ZodObject[]],
)

/** Picks the part schema by `type`, as the AI SDK does. */
const uiMessagePart = z.custom<UIMessagePartLike>().superRefine((part, ctx) => {
  const type = typeof part === 'object' && part !== null ? (part as { type?: unknown }).type : undefined
  const schema =
    typeof type !== 'string'
      ? staticPart
      : type.startsWith('data-')
        ? dataPart
        : type.startsWith('tool-')
          ? staticToolPart
          : type === 'dynamic-tool'
            ? dynamicToolPart
            : staticPart
  const result = schema.safeParse(part)
  if (!result.success) {
    for (const issue of result.error.issues) ctx.addIssue({ ...issue } as never)
    return
  }
  // zod skips an absent key whose schema takes any value; the AI SDK requires these keys.
  const record = part as unknown as Record<string, unknown>
  const required =
    typeof type === 'string' && type.startsWith('data-') ? ['data'] : (requiredToolKeys[String(record.state)] ?? [])
  for (const key of typeof type === 'string' &&
  (type.startsWith('tool-') || type.startsWith('data-') || type === 'dynamic-tool')
    ? required
    : []) {
    if (!Object.hasOwn(record, key)) ctx.addIssue({ code: 'custom', path: [key], message: 'is required' })
  }
})

/** The keys a tool part must have in each state (beyond what the schemas already require). */
const requiredToolKeys: Record<string, readonly string[]> = {
  'input-available': ['input'],
  'approval-requested': ['input'],
  'approval-responded': ['input'],
  'output-available': ['input', 'output'],
  'output-denied': ['input'],
}

/** One part of a {@link UIMessageLike}: a JSON object with a `type`. */
export interface UIMessagePartLike {
  /** `text`, `reasoning`, `tool-<name>`, `dynamic-tool`, `file`, `source-url`, `data-<name>`, … */
  readonly type: string
  readonly [key: string]: unknown
}

/**
 * The shape of an AI SDK `UIMessage`, as `saveUIMessages` takes it and `loadUIMessages` returns it.
 * Any `UIMessage<METADATA, DATA, TOOLS>` of the AI SDK is one.
 */
export interface UIMessageLike {
  /** The message id the client chose (1–200 characters, unique per session). */
  readonly id: string
  /** `system`, `user` or `assistant`. */
  readonly role: 'system' | 'user' | 'assistant'
  /** Any JSON value; absent when the message has none. */
  readonly metadata?: unknown
  /** The parts, in order. */
  readonly parts: readonly UIMessagePartLike[]
}

/** One AI SDK `UIMessage`, checked structurally; see {@link UIMessageLike}. */
export const UIMessageInput = z
  .looseObject({
    /** The message id the client chose, 1–200 characters, unique per session. */
    id: z.string().min(1).max(UI_MESSAGE_ID_MAX_LENGTH).refine(isStorableText, {
      message: 'must not contain NUL characters or unpaired UTF-16 surrogates',
    }),
    /** `system`, `user` or `assistant`. */
    role: z.enum(['system', 'user', 'assistant']),
    /** Any JSON value; absent when the message has none. */
    metadata: json.optional(),
    /** The parts, each checked as `validateUIMessages` checks it. */
    parts: z.array(uiMessagePart),
  })
  .superRefine((message, ctx) => {
    if (message.role !== 'assistant' && message.parts.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['parts'], message: 'a system or user message needs at least one part' })
    }
    // Every string (keys included) must be storable in jsonb; sizes stay bounded.
    const whole = JsonValue.safeParse(message)
    if (!whole.success) {
      for (const issue of whole.error.issues) ctx.addIssue({ ...issue } as never)
      return
    }
    if (new TextEncoder().encode(JSON.stringify(message)).length > UI_MESSAGE_MAX_BYTES) {
      ctx.addIssue({ code: 'custom', path: [], message: `must be at most ${UI_MESSAGE_MAX_BYTES} bytes as JSON` })
    }
  })

/** What `me.chat.messages.saveUIMessages(sessionId, messages)` parses. */
export const SaveUIMessagesInput = z.strictObject({
  /** The session (one the caller owns). */
  sessionId: z.uuid({ error: 'must be a UUID' }),
  /** 1–500 messages, in conversation order; ids unique within the call. */
  messages: z
    .array(UIMessageInput)
    .min(1)
    .max(UI_MESSAGES_SAVE_MAX)
    .superRefine((messages, ctx) => {
      const seen = new Set<string>()
      for (const [index, message] of messages.entries()) {
        if (seen.has(message.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: 'duplicate message id' })
        seen.add(message.id)
      }
    }),
})

/** Options of `me.chat.messages.loadUIMessages`. */
export const LoadUIMessagesInput = z.strictObject({
  /** Only messages older than the message with this id (its `UIMessage` id); for paging back. */
  before: z.string().min(1).max(UI_MESSAGE_ID_MAX_LENGTH).optional(),
  /** How many of the newest (or the newest before `before`) messages, 1–500 (default 100). */
  limit: z.int().min(1).max(500).default(100),
})
/** Options of `me.chat.messages.loadUIMessages`; see {@link LoadUIMessagesInput}. */
export type LoadUIMessagesInput = z.input<typeof LoadUIMessagesInput>
