/**
 * OpenTelemetry traces of what the kernel observes through its Tracer port. Loaded only when
 * tracing is configured (src/wiring/tracing.ts imports it lazily), so a system without it never
 * loads the SDK.
 */
export { createTracing, otlpExporter, type Tracing, type TracingOptions } from './provider.js';
export { eventSpanIdOf, traceIdOf } from './ids.js';
export type { SpanExporter } from '@opentelemetry/sdk-trace-base';
