import { TripSageError } from './errors.js'

/** An attribute value a span accepts (the OpenTelemetry `AttributeValue` shape, minus arrays of null). */
export type SpanAttributeValue = string | number | boolean | string[] | number[] | boolean[]

/** Span attributes: identifiers and outcomes only — never row data, never secrets. */
export type SpanAttributes = Record<string, SpanAttributeValue>

/**
 * The slice of an OpenTelemetry `Span` the SDK uses. An `@opentelemetry/api` span satisfies it.
 */
export interface SpanLike {
  /** Sets one attribute. */
  setAttribute(key: string, value: SpanAttributeValue): unknown
  /** Sets the status: `1` ok, `2` error (OpenTelemetry's `SpanStatusCode`). */
  setStatus(status: { code: number; message?: string }): unknown
  /** Ends the span. */
  end(): void
}

/**
 * The slice of an OpenTelemetry `Tracer` the SDK uses: pass `trace.getTracer('@tripsage/core')` to
 * `createTripSage({ tracer })`. Without one, nothing is recorded.
 */
export interface TracerLike {
  /** Starts a span (not made active: the SDK never relies on context propagation). */
  startSpan(name: string, options?: { attributes?: SpanAttributes }): SpanLike
}

const noopSpan: SpanLike = {
  setAttribute: () => undefined,
  setStatus: () => undefined,
  end: () => undefined,
}

/** A tracer that records nothing (the default). */
export const noopTracer: TracerLike = { startSpan: () => noopSpan }

/** OpenTelemetry's `SpanStatusCode.ERROR`. */
const statusError = 2
/** OpenTelemetry's `SpanStatusCode.OK`. */
const statusOk = 1

/**
 * Runs `fn` inside a span named `name`. On failure the span gets the error's stable `code` as
 * `tripsage.error.code` and status ERROR with that code as the message — never the error message,
 * which could carry input. A failing tracer never breaks the call.
 *
 * @param tracer - the injected tracer (or {@link noopTracer})
 * @param name - span name, e.g. `tripsage.keys.set`
 * @param attributes - identifiers only (service name, attachment id…)
 * @param fn - the work
 */
export async function withSpan<T>(
  tracer: TracerLike,
  name: string,
  attributes: SpanAttributes,
  fn: () => Promise<T>,
): Promise<T> {
  let span: SpanLike = noopSpan
  try {
    span = tracer.startSpan(name, { attributes })
  } catch {
    // Telemetry must never change the outcome of a call.
  }
  try {
    const result = await fn()
    safely(() => span.setStatus({ code: statusOk }))
    return result
  } catch (error) {
    const code = TripSageError.isInstance(error) ? error.code : 'internal'
    safely(() => span.setAttribute('tripsage.error.code', code))
    safely(() => span.setStatus({ code: statusError, message: code }))
    throw error
  } finally {
    safely(() => span.end())
  }
}

function safely(fn: () => unknown): void {
  try {
    fn()
  } catch {
    // Telemetry must never change the outcome of a call.
  }
}
