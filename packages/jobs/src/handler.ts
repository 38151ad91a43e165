import {
  createIdempotency,
  type Idempotency,
  type KvStore,
  type RedisLike,
  TripSageError,
  type TripSageErrorCode,
  ValidationError,
} from '@tripsage/core'
import type { z } from 'zod'
import { sha256Hex } from './base64url.js'
import { readBodyWithLimit } from './body.js'
import { mapJobError } from './error-mapping.js'
import { requireOption } from './required-option.js'
import { errorResponse, nonRetryableResponse } from './responses.js'
import { createSignatureVerifier, type ReceiverOption } from './signature.js'

/** Most items one job may carry unless `maxBatch` says otherwise (the memory-sync cap). */
export const DEFAULT_MAX_BATCH = 50

/** The default body cap: 1 MiB, QStash's message size limit on the free plan. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

/** The `retries` QStash uses when a message is published without one. */
export const DEFAULT_MAX_RETRIES = 3

/** What `run` gets besides the payload. */
export interface JobContext {
  /** The job's name (`name` option). */
  readonly job: string
  /** `Upstash-Message-Id`: the same for every delivery of one message. */
  readonly messageId: string
  /** `Upstash-Retried`: 0 on the first delivery. */
  readonly retried: number
  /** True when QStash will not retry this delivery again (`retried >= maxRetries`). */
  readonly lastAttempt: boolean
  /** The business key from `key(payload)`, or null. */
  readonly businessKey: string | null
  /** Aborted when the client (QStash) goes away. */
  readonly signal: AbortSignal
}

/** A delivery that failed for good: reported to `onFailure`. */
export interface JobFailure {
  /** The job's name. */
  job: string
  /** `Upstash-Message-Id`. */
  messageId: string
  /** `Upstash-Retried`. */
  retried: number
  /** The business key, when the payload was valid. */
  businessKey: string | null
  /** The stable code. */
  code: TripSageErrorCode
  /** A sentence safe to store (never row data). */
  message: string
  /** False when the message goes to the DLQ at once (489); true when this was the last retry. */
  retryable: boolean
  /** The parsed payload, when it was valid; undefined otherwise. */
  payload: unknown
}

/** Options of {@link createJobHandler}. */
export interface JobHandlerOptions<S extends z.ZodType, R> {
  /** The job's name, used in idempotency keys and failure records (`[a-z0-9][a-z0-9_-]*`, default `job`). */
  name?: string
  /** The QStash signing keys, or an `@upstash/qstash` `Receiver` built with both of them. */
  receiver: ReceiverOption
  /**
   * Where idempotency keys live: an `@upstash/redis` client, or a `KvStore` such as `memoryKv()`
   * (one process only).
   */
  kv: RedisLike | KvStore
  /** The zod schema of the JSON payload. */
  schema: S
  /**
   * Does the work. It must be idempotent in the database (e.g. dedupe by a message id), because a
   * delivery whose worker died after claiming is run again once the claim expires.
   */
  run: (payload: z.output<S>, context: JobContext) => Promise<R>
  /** The business key of a payload: a second delivery (any message id) with the same key is a duplicate. */
  key?: (payload: z.output<S>) => string | Promise<string>
  /** The items of a payload counted against `maxBatch` (default: the payload itself when it is an array). */
  batch?: (payload: z.output<S>) => readonly unknown[]
  /** Most items per payload (default 50); more is refused as non-retryable, nothing run. */
  maxBatch?: number
  /** Largest body accepted, in bytes (default 1 MiB). */
  maxBodyBytes?: number
  /**
   * The URL QStash signed (the JWT's `sub`), always checked. Default: `req.url`. Behind a proxy
   * or a framework that rewrites URLs, pass the public URL.
   */
  url?: string | ((req: Request) => string)
  /** The `retries` the messages are published with (default 3): `Upstash-Retried` ≥ this is the last attempt. */
  maxRetries?: number
  /** Seconds a delivery holds its claim (default 300): longer than the longest `run`. */
  claimTtlSeconds?: number
  /** Seconds a completed message or business key is remembered (default 86 400). */
  resultTtlSeconds?: number
  /** Accepted clock skew when checking the token's `exp` and `nbf` (default 0). */
  clockToleranceSeconds?: number
  /** `Retry-After` on retryable answers (default 10). */
  retryAfterSeconds?: number
  /** Called once per delivery that failed for good; errors it throws are ignored. */
  onFailure?: (failure: JobFailure) => void | Promise<void>
  /** Idempotency key prefix (default `tripsage:jobs`). */
  prefix?: string
}

/** A QStash job route: `Request → Response`, on any runtime with Web APIs. */
export type JobHandler = (req: Request) => Promise<Response>

const jobName = /^[a-z0-9][a-z0-9_-]{0,62}$/

/**
 * Builds a QStash job route: read the body once (capped) → verify `Upstash-Signature` (current or
 * next key, URL always checked, dev keys never) → parse and validate the payload → dedupe on the
 * token id, `Upstash-Message-Id` and the business key → run → answer.
 *
 * Answers: 200 `{ ok: true, result }`; 200 `{ ok: true, duplicate: true }` for a delivery already
 * done; 401 `unauthorized` for a missing or bad signature; 489 + `Upstash-NonRetryable-Error: true` for an unusable payload
 * or a `validation`/`not_found`/`forbidden` failure (nothing retried, nothing written); 409 while
 * another delivery of the same message or key is running; 429/503/500 for failures worth a retry.
 *
 * @example
 * export const POST = createJobHandler({
 *   name: 'welcome-email', receiver: { currentSigningKey, nextSigningKey }, kv: redis,
 *   schema: z.object({ userId: z.uuid() }), key: (p) => p.userId, run: async (p) => sendWelcome(p.userId),
 * })
 */
export function createJobHandler<S extends z.ZodType, R>(options: JobHandlerOptions<S, R>): JobHandler {
  requireOption(options.schema, 'schema', 'object', 'the zod schema of the payload')
  requireOption(options.run, 'run', 'function', 'the function that does the work')
  const job = options.name ?? 'job'
  if (!jobName.test(job)) throw new ValidationError('A job name must match [a-z0-9][a-z0-9_-]{0,62}')
  const verifier = createSignatureVerifier(options.receiver, options.clockToleranceSeconds ?? 0)
  const idempotency = idempotencyOf(options.kv, options.prefix ?? 'tripsage:jobs')
  const maxBatch = positiveInteger(options.maxBatch ?? DEFAULT_MAX_BATCH, 'maxBatch')
  const maxBodyBytes = positiveInteger(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, 'maxBodyBytes')
  const maxRetries = nonNegativeInteger(options.maxRetries ?? DEFAULT_MAX_RETRIES, 'maxRetries')
  const claimTtl = positiveInteger(options.claimTtlSeconds ?? 300, 'claimTtlSeconds')
  const resultTtl = positiveInteger(options.resultTtlSeconds ?? 86_400, 'resultTtlSeconds')
  const retryAfter = nonNegativeInteger(options.retryAfterSeconds ?? 10, 'retryAfterSeconds')
  const urlOf = typeof options.url === 'function' ? options.url : () => options.url as string | undefined
  const batchOf = options.batch ?? ((payload: unknown) => (Array.isArray(payload) ? payload : []))

  const report = async (failure: JobFailure): Promise<void> => {
    try {
      await options.onFailure?.(failure)
    } catch {
      // Recording a failure must not change the answer QStash gets.
    }
  }
  const duplicate = () => Response.json({ ok: true, duplicate: true })
  const inFlight = () =>
    errorResponse(409, 'conflict', 'Another delivery of this job is in progress; retry later', retryAfter)

  return async (req) => {
    if (req.method !== 'POST') {
      return new Response(null, { status: 405, headers: { Allow: 'POST' } })
    }
    const signature = req.headers.get('upstash-signature')
    if (!signature) {
      await req.body?.cancel().catch(() => undefined)
      return errorResponse(401, 'unauthorized', 'Missing Upstash-Signature')
    }
    const body = await readBodyWithLimit(req, maxBodyBytes)
    if (!body.ok) {
      return body.reason === 'too_large'
        ? nonRetryableResponse('validation', `The body exceeds ${maxBodyBytes} bytes`)
        : errorResponse(400, 'validation', 'The body could not be read')
    }
    let verified: { jti: string; exp: number }
    try {
      verified = await verifier.verify({ signature, body: body.text, url: urlOf(req) ?? req.url })
    } catch {
      return errorResponse(401, 'unauthorized', 'Invalid Upstash-Signature')
    }

    // From here on the request is authentic: failures are QStash's business (retry or DLQ).
    const messageId = req.headers.get('upstash-message-id') ?? ''
    const retried = Math.max(0, Number.parseInt(req.headers.get('upstash-retried') ?? '0', 10) || 0)
    const lastAttempt = retried >= maxRetries
    const refuse = async (message: string, payload?: unknown, businessKey: string | null = null) => {
      await report({ job, messageId, retried, businessKey, code: 'validation', message, retryable: false, payload })
      return nonRetryableResponse('validation', message)
    }
    if (messageId.length === 0 || messageId.length > 200) return refuse('Missing or invalid Upstash-Message-Id')

    let json: unknown
    try {
      json = JSON.parse(body.text)
    } catch {
      return refuse('The body is not JSON')
    }
    const parsed = options.schema.safeParse(json)
    if (!parsed.success) return refuse('The payload does not match the job schema')
    const payload = parsed.data as z.output<S>
    const items = batchOf(payload)
    if (items.length > maxBatch) return refuse(`A job carries at most ${maxBatch} items`)
    let businessKey: string | null = null
    if (options.key) {
      const raw = await options.key(payload)
      businessKey = raw.length <= 256 ? raw : `sha256:${await sha256Hex(raw)}`
    }

    const messageKey = `${job}:message:${messageId}`
    const businessKeyKey = businessKey === null ? null : `${job}:key:${businessKey}`
    let messageToken: string
    let keyToken: string | null = null
    try {
      // The Receiver does not remember token ids, so a captured request verifies again until it
      // expires: a token seen before never runs the job (answered like its message's state).
      const tokenTtl = Math.max(1, verified.exp - Math.floor(Date.now() / 1000) + 60)
      const token = await idempotency.claim(`${job}:token:${verified.jti}`, tokenTtl)
      if (!token.acquired) {
        const status = await idempotency.status(messageKey)
        return status.state === 'completed' ? duplicate() : inFlight()
      }
      const claim = await idempotency.claim(messageKey, claimTtl)
      if (!claim.acquired) return claim.state === 'completed' ? duplicate() : inFlight()
      messageToken = claim.token
      if (businessKeyKey !== null) {
        const keyClaim = await idempotency.claim(businessKeyKey, claimTtl)
        if (!keyClaim.acquired) {
          if (keyClaim.state === 'completed') {
            await idempotency
              .complete(messageKey, keyClaim.result, resultTtl, { token: messageToken })
              .catch(() => undefined)
            return duplicate()
          }
          await idempotency.release(messageKey, { token: messageToken }).catch(() => undefined)
          return inFlight()
        }
        keyToken = keyClaim.token
      }
    } catch (error) {
      const message = unavailableMessage(error)
      if (lastAttempt) {
        await report({ job, messageId, retried, businessKey, code: 'unavailable', message, retryable: true, payload })
      }
      return errorResponse(503, 'unavailable', message, retryAfter)
    }

    let result: R
    try {
      result = await options.run(payload, { job, messageId, retried, lastAttempt, businessKey, signal: req.signal })
    } catch (error) {
      await Promise.allSettled([
        idempotency.release(messageKey, { token: messageToken }),
        businessKeyKey !== null && keyToken !== null
          ? idempotency.release(businessKeyKey, { token: keyToken })
          : Promise.resolve(false),
      ])
      const failure = mapJobError(error)
      if (!failure.retryable || lastAttempt) {
        await report({ job, messageId, retried, businessKey, ...failure, payload })
      }
      return failure.retryable
        ? errorResponse(failure.status, failure.code, failure.message, retryAfter)
        : nonRetryableResponse(failure.code, failure.message)
    }

    // The effect is committed: answer 200 even if the bookkeeping below fails (the claims then
    // expire and a redelivery finds the work already done in the database).
    const stored = jsonOrNull(result)
    await Promise.allSettled([
      idempotency.complete(messageKey, stored, resultTtl, { token: messageToken }),
      businessKeyKey !== null && keyToken !== null
        ? idempotency.complete(businessKeyKey, stored, resultTtl, { token: keyToken })
        : Promise.resolve(),
    ])
    return Response.json({ ok: true, result: stored })
  }
}

function unavailableMessage(error: unknown): string {
  return TripSageError.isInstance(error) ? error.message : 'A dependency is unavailable'
}

function idempotencyOf(kv: RedisLike | KvStore, prefix: string): Idempotency {
  requireOption(kv, 'kv', 'object', 'an @upstash/redis client or a KvStore (memoryKv())')
  const isStore = typeof (kv as KvStore).update === 'function' && typeof (kv as KvStore).now === 'function'
  return isStore
    ? createIdempotency({ kv: kv as KvStore, prefix })
    : createIdempotency({ redis: kv as RedisLike, prefix })
}

function jsonOrNull(value: unknown): unknown {
  if (value === undefined) return null
  try {
    return JSON.parse(JSON.stringify(value)) as unknown
  } catch {
    return null
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ValidationError(`\`${name}\` must be a whole number ≥ 1`, { details: { option: name } })
  }
  return value
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new ValidationError(`\`${name}\` must be a whole number ≥ 0`, { details: { option: name } })
  }
  return value
}
