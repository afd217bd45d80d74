/** The kernel's ports: what every host's adapters implement (test/contracts runs each against every adapter). */
export type { DeadLetter, DeadLetterQueue, Delivery, EventBus, PublishOptions, QueueConsumer } from './bus.js';
export { localCacheGeneration, type CacheGeneration } from './cache-generation.js';
export { isoNow, systemClock, type Clock } from './clock.js';
export type { LogFn, Logger } from './logger.js';
export type { ChangePage, EventPosition, EventQuery, EventStore } from './store.js';
export {
  DEFAULT_CONTEXT_LIMITS,
  type ContextEntry,
  type ContextKind,
  type ContextLimits,
  type ContextStore,
  type ContextSummary,
  type ContextVersion,
  type ContextWrite,
  type ContextWriteOptions,
  type SearchHit,
} from './context.js';
export { GLOBAL_PARTITION, type PutOptions, type StateItem, type StateListOptions, type StateStore } from './state.js';
export type { CostAttribution, DelayedEventCounter, DelayedSlot, UsageDelta, UsageRecorder, UsageSnapshot } from './usage.js';
export type { ContextAccessControl } from './context-access.js';
export { NOOP_SPAN, type SpanAttributeValue, type SpanAttributes, type SpanError, type TraceSpan, type Tracer } from './tracing.js';
