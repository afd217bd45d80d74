/**
 * Trace and span ids derived from event ids, so that spans written by different processes (or
 * deliveries) of one chain meet in one trace without passing any trace context along: the trace
 * id is the first 16 bytes of SHA-256 of the correlation id, and a delivery's span id is derived
 * from its event's id, which its children know as their causation id.
 */
import { createHash } from 'node:crypto';
import { RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-base';

const digest = (text: string): string => createHash('sha256').update(text).digest('hex');

/** 32 hex digits: the trace of every event whose correlation id this is. */
export function traceIdOf(correlationId: string): string {
  return digest(correlationId).slice(0, 32);
}

/** 16 hex digits: the span of the first delivery of the event with this id. */
export function eventSpanIdOf(eventId: string): string {
  return digest(`span:${eventId}`).slice(0, 16);
}

/**
 * Random ids, except while the tracer starts a span whose ids it chose: the SDK asks its id
 * generator synchronously inside `startSpan` (the span id, then the trace id if the span has no
 * parent), so the tracer chooses just before that call and clears the choice right after it.
 */
export class ChosenIdGenerator implements IdGenerator {
  readonly #random = new RandomIdGenerator();
  #traceId: string | undefined;
  #spanId: string | undefined;

  /** The ids of the span `startSpan` builds next (the SDK asks for the trace id only when it has no parent). */
  choose(traceId: string, spanId: string | undefined): void {
    this.#traceId = traceId;
    this.#spanId = spanId;
  }

  clear(): void {
    this.#traceId = undefined;
    this.#spanId = undefined;
  }

  generateTraceId(): string {
    return this.#traceId ?? this.#random.generateTraceId();
  }

  generateSpanId(): string {
    return this.#spanId ?? this.#random.generateSpanId();
  }
}
