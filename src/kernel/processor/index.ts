/** The processor pipeline, its outcomes, and the two ways a host settles them (a worker's queue, a trigger). */
export { applyOutcome, publishEmissions, type OutcomeTargets } from './apply.js';
export type { Authorization, Authorizer } from './authorize.js';
export type { Emission, Outcome } from './outcome.js';
export { handleTriggeredMessage, type RetryScheduler, type TriggeredDeps } from './handle-triggered.js';
export { DEFAULT_PROCESSOR_OPTIONS, type ProcessorOptions } from './options.js';
export { EventProcessor, type DeliveryInfo, type ProcessorDeps, type ProcessorObserver } from './processor.js';
export type { DriverStats, DriverStatsReport } from './run-driver.js';
export { HEALTH_RUNS, RUN_FAILED, RUN_SUCCEEDED, RUN_TIMED_OUT, RUN_WINDOW, RunWindow, type DriverHealth, type DriverHealthStatus, type LatencySummary, type RunOutcome } from './run-window.js';
export { DENIED_EVENT_TYPE, UNANSWERED_EVENT_TYPE } from './system-events.js';
