export {
  auditEntrySchema,
  auditKindSchema,
  eventAuditDraft,
  type AuditDraft,
  type AuditEntry,
  type AuditKind,
  type AuditLog,
  type EventAuditFields,
} from './audit.js';
export {
  chainEntry,
  chainEntryWithText,
  entryHash,
  GENESIS_HASH,
  verifyAuditChain,
  verifyChainPages,
  type ChainBreak,
  type ChainBreakCode,
  type ChainedEntry,
  type ChainHead,
  type ChainVerification,
  type VerifyOptions,
} from './audit-chain.js';
export {
  driverKindSchema,
  driverManifestSchema,
  durationSchema,
  type Driver,
  type DriverContext,
  type DriverDirectory,
  type DriverKind,
  type DriverManifest,
  type DriverManifestInput,
} from './driver.js';
export {
  EVENT_ID,
  EVENT_TYPE,
  USER_ID,
  categorySchema,
  emittedEventSchema,
  envelopeSchema,
  eventIdSchema,
  eventTypeSchema,
  parseEnvelope,
  userIdSchema,
  type EmittedEvent,
  type Envelope,
  type EventCategory,
} from './envelope.js';
export { KernelError, isKernelError, toKernelError, type KernelErrorCode, type KernelErrorOptions } from './errors.js';
export { approvalId, childEventId, contentDigest, deliveryKey, eventDigest, newEventId } from './ids.js';
export { ingest, type IngestResult, type IngressDeps } from './ingress.js';
export { KernelMetrics } from './metrics.js';
export type { DeadLetter, DeadLetterQueue, Delivery, EventBus, PublishOptions, QueueConsumer } from './ports/bus.js';
export { isoNow, systemClock, type Clock } from './ports/clock.js';
export type { LogFn, Logger } from './ports/logger.js';
export type { ChangePage, EventQuery, EventStore } from './ports/store.js';
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
} from './ports/context.js';
export { GLOBAL_PARTITION, type PutOptions, type StateItem, type StateListOptions, type StateStore } from './ports/state.js';
export { mergeRestrictions, restrictionBlocksDriver, restrictionsSchema, type Restrictions } from './restrictions.js';
export type { UsageDelta, UsageRecorder, UsageSnapshot } from './ports/usage.js';
export { applyOutcome, publishEmissions, type OutcomeTargets } from './processor/apply.js';
export type { Authorization, Authorizer } from './processor/authorize.js';
export type { Emission, Outcome } from './processor/outcome.js';
export { handleTriggeredMessage, type RetryScheduler, type TriggeredDeps } from './processor/handle-triggered.js';
export { DEFAULT_PROCESSOR_OPTIONS, type ProcessorOptions } from './processor/options.js';
export { EventProcessor, type DeliveryInfo, type ProcessorDeps, type ProcessorObserver } from './processor/processor.js';
export type { DriverStats } from './processor/run-driver.js';
export { DENIED_EVENT_TYPE } from './processor/system-events.js';
export {
  FINAL_STATUSES,
  decisionSchema,
  policyActionSchema,
  type PolicyAction,
  driverRunSchema,
  errorInfoSchema,
  eventRecordSchema,
  eventStatusSchema,
  type Decision,
  type DriverRun,
  type ErrorInfo,
  type EventRecord,
  type EventStatus,
} from './records.js';
export { isValidTypePattern, matchesAny, matchesType, parseTypeFilter } from './type-pattern.js';
export { QueueWorker, type WorkerOptions } from './worker.js';
