/**
 * The kernel's Tracer port over an OpenTelemetry SDK tracer. Spans get their parents explicitly
 * (no context manager, no global provider): the kernel hands each driver its run's span.
 *
 * - A delivery's span is `process <type>` (kind consumer) in the trace of the event's correlation
 *   id. Its parent is the first delivery's span of the event that caused it (derived from the
 *   causation id, so the child needs no trace context); an event that starts a correlation (its
 *   id is its correlation id) is the trace's root.
 * - The first delivery's span id is derived from the event id; later deliveries get random ones.
 *   (A throttled event's rounds restart their delivery count at 1, so they may share an id.)
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Attributes, type Context, type Span, type Tracer as OtelApiTracer } from '@opentelemetry/api';
import type { Envelope, SpanAttributes, SpanError, TraceSpan, Tracer } from '../kernel/index.js';
import { eventSpanIdOf, traceIdOf, type ChosenIdGenerator } from './ids.js';

export class OtelTracer implements Tracer {
  constructor(
    private readonly tracer: OtelApiTracer,
    private readonly ids: ChosenIdGenerator,
  ) {}

  startEvent(event: Envelope, attempt: number): TraceSpan {
    const traceId = traceIdOf(event.correlationid);
    const root = event.id === event.correlationid || event.causationid === undefined;
    const parent: Context = root ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: eventSpanIdOf(event.causationid!), traceFlags: TraceFlags.SAMPLED, isRemote: true });
    const attributes: Attributes = {
      'messaging.operation.type': 'process',
      'messaging.message.id': event.id,
      'messaging.message.conversation_id': event.correlationid,
      'cloudevents.event_id': event.id,
      'cloudevents.event_type': event.type,
      'cloudevents.event_source': event.source,
      'vextir.event.category': event.category,
      'vextir.event.depth': event.depth,
      'vextir.delivery.attempt': attempt,
    };
    if (event.causationid !== undefined) attributes['vextir.event.causation_id'] = event.causationid;
    if (event.recipient !== undefined) attributes['vextir.event.recipient'] = event.recipient;
    this.ids.choose(traceId, attempt === 1 ? eventSpanIdOf(event.id) : undefined);
    try {
      return new OtelSpan(this.tracer.startSpan(`process ${event.type}`, { kind: SpanKind.CONSUMER, attributes }, parent), this.tracer);
    } finally {
      this.ids.clear();
    }
  }
}

class OtelSpan implements TraceSpan {
  readonly recording = true;

  constructor(
    private readonly span: Span,
    private readonly tracer: OtelApiTracer,
  ) {}

  setAttributes(attributes: SpanAttributes): void {
    this.span.setAttributes(defined(attributes));
  }

  addEvent(name: string, attributes?: SpanAttributes): void {
    this.span.addEvent(name, attributes && defined(attributes));
  }

  startChild(name: string, attributes?: SpanAttributes, kind: 'internal' | 'client' = 'internal'): TraceSpan {
    const options = { kind: kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL, ...(attributes && { attributes: defined(attributes) }) };
    return new OtelSpan(this.tracer.startSpan(name, options, trace.setSpan(ROOT_CONTEXT, this.span)), this.tracer);
  }

  end(error?: SpanError): void {
    if (error) {
      this.span.setAttribute('error.type', error.code);
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    }
    this.span.end();
  }
}

/** The attributes with a value (the port allows undefined ones, which OpenTelemetry would warn about). */
function defined(attributes: SpanAttributes): Attributes {
  const out: Attributes = {};
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) out[key] = value as Attributes[string];
  }
  return out;
}
