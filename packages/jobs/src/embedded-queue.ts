import { ValidationError } from '@tripsage/core'
import type { JobPublisher, PublishJsonRequest, PublishJsonResponse } from './enqueue.js'
import { signQstashRequest } from './qstash-signer.js'
import { NON_RETRYABLE_STATUS } from './responses.js'
import type { SigningKeys } from './signature.js'

/** Options of {@link createEmbeddedQueue}. */
export interface EmbeddedQueueOptions {
  /** The keys it signs with (default: two random keys; pass them to the handlers as `receiver`). */
  signingKeys?: SigningKeys
  /** Routes: URL → handler, called in-process. URLs without a route are delivered with `fetch`. */
  routes?: Record<string, (req: Request) => Promise<Response>>
  /** Delivers URLs that have no route (default `globalThis.fetch`). */
  fetch?: (req: Request) => Promise<Response>
  /** Milliseconds before retry n (0-based) (default `min(1000 · 2ⁿ, 30 000)`); tests pass `() => 0`. */
  retryDelayMs?: (retried: number) => number
  /** How long a deduplication id is remembered, in ms (default 10 minutes). */
  deduplicationWindowMs?: number
  /** The clock in epoch milliseconds (default `Date.now`). */
  now?: () => number
}

/** A message that will not be delivered again: it failed non-retryably or ran out of retries. */
export interface DeadLetter {
  /** The message id. */
  messageId: string
  /** The destination URL. */
  url: string
  /** The JSON body as sent. */
  body: string
  /** The last HTTP status (0 when the delivery threw). */
  status: number
  /** How many retries were made. */
  retried: number
}

/** One delivery attempt, for inspection in tests. */
export interface Delivery {
  /** The message id. */
  messageId: string
  /** The destination URL. */
  url: string
  /** `Upstash-Retried` of this attempt. */
  retried: number
  /** The status answered (0 when the route threw). */
  status: number
}

/** The in-process stand-in for QStash (see {@link createEmbeddedQueue}). */
export interface EmbeddedQueue extends JobPublisher {
  /** The keys deliveries are signed with: pass them to the job handlers as `receiver`. */
  readonly signingKeys: SigningKeys
  /** Adds or replaces the handler of a URL. */
  route(url: string, handler: (req: Request) => Promise<Response>): void
  /** Resolves when no delivery is pending or running (retries included). */
  drain(): Promise<void>
  /** Every delivery attempt so far, in order. */
  readonly deliveries: readonly Delivery[]
  /** Messages that will not be delivered again. */
  readonly deadLetters: readonly DeadLetter[]
  /** Cancels pending deliveries; later publishes are refused. */
  close(): void
}

/**
 * An in-process queue with QStash's delivery contract, for the embedded default and tests: every
 * delivery is a `Request` signed with real HS256 keys (`Upstash-Signature`), carrying
 * `Upstash-Message-Id` and `Upstash-Retried`, passed to the same handler a route would get.
 * Non-2xx answers are retried up to the message's `retries` (default 3), except 489 with
 * `Upstash-NonRetryable-Error: true`; publishes with a deduplication id seen within the window are
 * accepted but not delivered again. Deliveries run in the background; `await queue.drain()`.
 * One process, no persistence: use QStash in production.
 *
 * @example
 * const queue = createEmbeddedQueue()
 * queue.route(url, createMemorySyncHandler({ tripsage, embedder, kv: memoryKv(), receiver: queue.signingKeys, url }))
 * await enqueueMemorySync(queue, { url, userId, sessionId, messageIds })
 * await queue.drain()
 */
export function createEmbeddedQueue(options: EmbeddedQueueOptions = {}): EmbeddedQueue {
  const signingKeys = options.signingKeys ?? { currentSigningKey: randomKey(), nextSigningKey: randomKey() }
  const routes = new Map(Object.entries(options.routes ?? {}))
  const send = options.fetch ?? ((req: Request) => globalThis.fetch(req))
  const retryDelayMs = options.retryDelayMs ?? ((n: number) => Math.min(1000 * 2 ** n, 30_000))
  const window = options.deduplicationWindowMs ?? 10 * 60_000
  const now = options.now ?? Date.now
  const seen = new Map<string, { messageId: string; at: number }>()
  const deliveries: Delivery[] = []
  const deadLetters: DeadLetter[] = []
  const pending = new Set<Promise<void>>()
  // Pending waits, so `close()` can cut them short (their deliveries then stop).
  const waits = new Map<ReturnType<typeof setTimeout>, () => void>()
  let closed = false

  const later = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        waits.delete(timer)
        resolve()
      }, ms)
      waits.set(timer, resolve)
    })

  const attempt = async (messageId: string, url: string, body: string, retried: number, headers: Headers) => {
    const signature = await signQstashRequest({ signingKey: signingKeys.currentSigningKey, url, body, now })
    const request = new Request(url, {
      method: 'POST',
      body,
      headers: {
        ...Object.fromEntries(headers),
        'Content-Type': 'application/json',
        'Upstash-Signature': signature,
        'Upstash-Message-Id': messageId,
        'Upstash-Retried': String(retried),
      },
    })
    const handler = routes.get(url)
    try {
      const response = await (handler ? handler(request) : send(request))
      await response.body?.cancel().catch(() => undefined)
      return {
        status: response.status,
        nonRetryable:
          response.status === NON_RETRYABLE_STATUS && response.headers.get('Upstash-NonRetryable-Error') === 'true',
      }
    } catch {
      return { status: 0, nonRetryable: false }
    }
  }

  const deliver = async (
    messageId: string,
    url: string,
    body: string,
    retries: number,
    delayMs: number,
    headers: Headers,
  ) => {
    if (delayMs > 0) await later(delayMs)
    for (let retried = 0; !closed; retried++) {
      const { status, nonRetryable } = await attempt(messageId, url, body, retried, headers)
      deliveries.push({ messageId, url, retried, status })
      if (status >= 200 && status < 300) return
      if (nonRetryable || retried >= retries) {
        deadLetters.push({ messageId, url, body, status, retried })
        return
      }
      await later(retryDelayMs(retried))
    }
  }

  return {
    signingKeys,
    deliveries,
    deadLetters,
    route(url, handler) {
      routes.set(url, handler)
    },
    async publishJSON(request: PublishJsonRequest): Promise<PublishJsonResponse> {
      if (closed) throw new ValidationError('The embedded queue is closed')
      if (!URL.canParse(request.url)) throw new ValidationError('The job URL must be an absolute URL')
      const at = now()
      for (const [id, entry] of seen) if (at - entry.at >= window) seen.delete(id)
      if (request.deduplicationId !== undefined) {
        const earlier = seen.get(request.deduplicationId)
        if (earlier) return { messageId: earlier.messageId, deduplicated: true }
      }
      const messageId = `msg_${crypto.randomUUID()}`
      if (request.deduplicationId !== undefined) seen.set(request.deduplicationId, { messageId, at })
      const body = JSON.stringify(request.body)
      const retries = request.retries ?? 3
      const delivery = deliver(
        messageId,
        request.url,
        body,
        retries,
        (request.delay ?? 0) * 1000,
        new Headers(request.headers),
      )
      pending.add(delivery)
      void delivery.finally(() => pending.delete(delivery))
      return { messageId, deduplicated: false }
    },
    async drain() {
      while (pending.size > 0) await Promise.allSettled([...pending])
    },
    close() {
      closed = true
      for (const [timer, resolve] of waits) {
        clearTimeout(timer)
        resolve()
      }
      waits.clear()
    },
  }
}

function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24))
  let hex = ''
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return `sig_${hex}`
}
