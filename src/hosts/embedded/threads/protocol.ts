/**
 * What the HTTP thread and the processor threads say to each other over a worker's port. Both
 * sides are this code, in one process, so messages are typed rather than parsed; `workerData`,
 * which also starts the thread, is checked once on arrival (processor-thread.ts).
 */
import type { DriverStats } from '../../../kernel/index.js';

/** Starts a processor thread. */
export interface ThreadData {
  /** Position in the pool, for logs. */
  index: number;
  /** Starts every lock token the thread's queue hands out: its leases are released when it dies. */
  lockOwner: string;
  /** The settings the host's Config was parsed from (Config.source); the thread parses them again. */
  settings: Record<string, string>;
  /** The host's CacheGeneration counter (shared-generation.ts). */
  generation: SharedArrayBuffer;
  /** The host's WriteLock (adapters/local/write-lock.ts) and this thread's holder id in it. */
  writeLock: { id: number; buffer: SharedArrayBuffer };
}

/** HTTP thread -> processor thread. */
export type ToThread =
  /** Messages may have become deliverable (an ingest committed): lease now rather than at the next poll. */
  | { kind: 'work' }
  /** Stop leasing, finish or release what is in flight within `graceMs`, close, exit. */
  | { kind: 'stop'; graceMs: number };

/**
 * What the processor observed, flattened so one message carries a batch cheaply:
 * `['event', type, status, seconds]` or `['driver', driver, status, seconds]`.
 */
export type Observation = ['event', string, string, number] | ['driver', string, string, number];

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Processor thread -> HTTP thread. */
export type FromThread =
  | { kind: 'ready' }
  /** Could not start (a driver's init failed, the database could not be opened). */
  | { kind: 'failed'; message: string }
  /**
   * What happened since the last report: the users whose outcomes were committed (`settled`: wakes
   * their live streams), the processor's observations (for the metrics), the drivers' statistics
   * when they changed.
   */
  | { kind: 'report'; settled: string[]; observations: Observation[]; stats?: Array<[string, DriverStats]> }
  | { kind: 'log'; level: LogLevel; bindings: Record<string, unknown>; fields: Record<string, unknown> | undefined; message: string }
  /** Drained and closed: the thread exits next. */
  | { kind: 'stopped' };
