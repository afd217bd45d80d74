/**
 * One tracer provider per composed system (never the global one, so tests and several hosts in a
 * process do not share it): a batch processor per exporter, the service's resource, and ids the
 * tracer may choose (ids.ts).
 */
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Tracer } from '../kernel/index.js';
import { ChosenIdGenerator } from './ids.js';
import { OtelTracer } from './otel-tracer.js';

export interface TracingOptions {
  serviceName: string;
  serviceVersion: string;
  /** Where spans go: OTLP, Azure Monitor, or a test's own. At least one. */
  exporters: readonly SpanExporter[];
  /** The batch processors' delay between exports (default 1 s; OpenTelemetry's own default is 5 s). */
  exportDelayMs?: number;
  /** Spans a batch processor buffers before it drops new ones (OpenTelemetry's default: 2048). */
  maxQueueSize?: number;
}

export interface Tracing {
  tracer: Tracer;
  /** Export what is buffered now (tests; before a Function invocation ends). */
  flush(): Promise<void>;
  /** Export what is buffered and stop. Never throws. */
  shutdown(): Promise<void>;
}

export function createTracing(options: TracingOptions): Tracing {
  const ids = new ChosenIdGenerator();
  const spanProcessors: SpanProcessor[] = options.exporters.map((exporter) => new BatchSpanProcessor(exporter, { scheduledDelayMillis: options.exportDelayMs ?? 1000, ...(options.maxQueueSize !== undefined && { maxQueueSize: options.maxQueueSize }) }));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName, 'service.version': options.serviceVersion }),
    idGenerator: ids,
    spanProcessors,
  });
  return {
    tracer: new OtelTracer(provider.getTracer('vextir-os', options.serviceVersion), ids),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown().catch(() => undefined),
  };
}

/**
 * OTLP over HTTP (JSON), to `<endpoint>/v1/traces` as the OTEL_EXPORTER_OTLP_ENDPOINT convention
 * says. The URL and headers are passed in: src/config.ts read them.
 */
export function otlpExporter(endpoint: string, headers: Readonly<Record<string, string>>): SpanExporter {
  return new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces`, headers: { ...headers } });
}
