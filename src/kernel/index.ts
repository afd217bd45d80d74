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
  type DynamicRoutes,
  type DriverKind,
  type DriverManifest,
  type DriverManifestInput,
  type UsageReport,
} from './driver.js';
export {
  DRIVER_ID,
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
export { approvalId, childEventId, contentDigest, keyedChildEventId, deliveryKey, eventDigest, isDeliveryOf, newEventId, type ChildIdSource } from './ids.js';
export { ingest, type IngestOptions, type IngestResult, type IngressDeps } from './ingress.js';
export { isSealedDecision, sealDecision } from './sealed-decision.js';
export { mergeRestrictions, restrictionBlocksDriver, restrictionsSchema, type Restrictions } from './restrictions.js';
export {
  FINAL_STATUSES,
  decisionSchema,
  policyActionSchema,
  type PolicyAction,
  driverRunSchema,
  errorInfoSchema,
  modelUsageSchema,
  type ModelUsage,
  eventRecordSchema,
  eventStatusSchema,
  type Decision,
  type DriverRun,
  type ErrorInfo,
  type EventRecord,
  type EventStatus,
  throttleDecisionSchema,
  type ThrottleDecision,
} from './records.js';
export {
  THROTTLE_SPREAD_SHARE,
  nextWindowStart,
  throttleRelease,
  throttleRunAt,
  throttleSpreadMs,
  throttleWindowSchema,
  windowLengthMs,
  windowStart,
  type ThrottleWindow,
} from './throttle.js';
export { MAX_WINDOW_MS, timeWindowSchema, windowMs } from './time-window.js';
export { isValidTypePattern, matchesAny, matchesType, parseTypeFilter } from './type-pattern.js';
export { QueueWorker, type WorkerOptions } from './worker.js';
// Every port, as its own index lists them.
export * from './ports/index.js';
export {
  applyOutcome,
  publishEmissions,
  handleTriggeredMessage,
  DEFAULT_PROCESSOR_OPTIONS,
  DENIED_EVENT_TYPE,
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
  type DriverStatsReport,
  type DriverHealth,
  type DriverHealthStatus,
  type LatencySummary,
  RunWindow,
  RUN_FAILED,
  RUN_SUCCEEDED,
  RUN_TIMED_OUT,
  type RunOutcome,
} from './processor/index.js';
