/**
 * Where the processor and drivers report spans: the processing of one delivery of an event, each
 * driver run inside it, and what a driver does inside its run (a model call, a tool call, a plan
 * step). src/tracing implements it with the OpenTelemetry SDK; the kernel knows no SDK.
 *
 * When tracing is off the processor has no Tracer and drivers get NOOP_SPAN: no span object is
 * built, no attribute computed (check `recording` before computing expensive ones).
 */
import type { Envelope } from '../envelope.js';

/** Values a span attribute may have (OpenTelemetry's attribute values; undefined is left out). */
export type SpanAttributeValue = string | number | boolean | readonly string[] | readonly number[];
export type SpanAttributes = Readonly<Record<string, SpanAttributeValue | undefined>>;

/** What ended a span in failure: `code` becomes `error.type`, `message` the span's status. */
export interface SpanError {
  code: string;
  message: string;
}

/** One span. Every method is safe after `end` (ignored); none throws. */
export interface TraceSpan {
  /** False for NOOP_SPAN: a caller can skip building attributes nobody records. */
  readonly recording: boolean;
  setAttributes(attributes: SpanAttributes): void;
  /** A point in time inside the span (a plan step's transition, a tool's decision). */
  addEvent(name: string, attributes?: SpanAttributes): void;
  /** A span inside this one; `client` for a call to another system (a model provider, an MCP server). */
  startChild(name: string, attributes?: SpanAttributes, kind?: 'internal' | 'client'): TraceSpan;
  end(error?: SpanError): void;
}

export interface Tracer {
  /**
   * The span of one delivery of `event` (its processing): in the trace of its correlation id, so
   * every event of a chain and every delivery of each lands in one trace; the parent of the
   * driver-run spans.
   */
  startEvent(event: Envelope, attempt: number): TraceSpan;
}

/** The span of tracing switched off. */
export const NOOP_SPAN: TraceSpan = Object.freeze({
  recording: false,
  setAttributes(): void {},
  addEvent(): void {},
  startChild(): TraceSpan {
    return NOOP_SPAN;
  },
  end(): void {},
});
