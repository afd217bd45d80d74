/**
 * The kernel's one face: code outside src/kernel imports it from here (or from the sub-folders'
 * own index: ports, processor, context). The kernel imports no adapter, driver, API, security
 * module or Azure SDK (lint rules in eslint.config.js).
 */
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
export { mergeRestrictions, restrictionBlocksDriver, restrictionsSchema, type Restrictions } from './restrictions.js';
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
export {
  isoNow,
  systemClock,
  DEFAULT_CONTEXT_LIMITS,
  GLOBAL_PARTITION,
  type DeadLetter,
  type DeadLetterQueue,
  type Delivery,
  type EventBus,
  type PublishOptions,
  type QueueConsumer,
  type Clock,
  type LogFn,
  type Logger,
  type ChangePage,
  type EventQuery,
  type EventStore,
  type ContextEntry,
  type ContextKind,
  type ContextLimits,
  type ContextStore,
  type ContextSummary,
  type ContextVersion,
  type ContextWrite,
  type ContextWriteOptions,
  type SearchHit,
  type PutOptions,
  type StateItem,
  type StateListOptions,
  type StateStore,
  type UsageDelta,
  type UsageRecorder,
  type UsageSnapshot,
} from './ports/index.js';
export {
  applyOutcome,
  publishEmissions,
  handleTriggeredMessage,
  DEFAULT_PROCESSOR_OPTIONS,
  EventProcessor,
  type OutcomeTargets,
  type Authorization,
  type Authorizer,
  type Emission,
  type Outcome,
  type RetryScheduler,
  type TriggeredDeps,
  type ProcessorOptions,
  type DeliveryInfo,
  type ProcessorDeps,
  type ProcessorObserver,
  type DriverStats,
} from './processor/index.js';
