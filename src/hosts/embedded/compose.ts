/**
 * The embedded default's ports: one SQLite file for the queue and every store (so emitting,
 * recording and acknowledging are one transaction), dev tokens for callers, and the processing
 * of the queue: in this thread (VEXTIR_PROCESSOR_THREADS=0), or in processor threads, each with
 * its own connection to the file, composed by the same `composeLocalParts`.
 */
import { join } from 'node:path';
import { openLocalStorage, WriteLock, type LocalStorage } from '../../adapters/local/index.js';
import { UserChangeSignal } from '../../adapters/user-change-signal.js';
import type { Config } from '../../config.js';
import { type CacheGeneration, type Clock, type DriverStatsReport, type Logger, type ProcessorObserver, QueueWorker, systemClock } from '../../kernel/index.js';
import { CachingAuthenticator, DevTokenAuthenticator, loadOrCreateDevSecret } from '../../security/index.js';
import { composeCore, probeCheck, type Core } from '../../wiring/index.js';
import { ProcessorPool, sharedCacheGeneration } from './threads/index.js';

/** Processes the queue; both forms stop the same way (stop leasing, drain, release the rest). */
export interface LocalProcessing {
  start(): Promise<void>;
  stop(graceMs: number): Promise<void>;
}

export interface LocalSystem extends Core {
  storage: LocalStorage;
  worker: LocalProcessing;
}

export async function composeLocal(config: Config, logger: Logger, clock: Clock = systemClock): Promise<LocalSystem> {
  const threads = config.worker.threads;
  if (threads > 0 && clock !== systemClock) {
    // A clock object cannot be shared with another thread: it would run on the system's.
    throw new Error('a host with its own clock processes in its own thread: set VEXTIR_PROCESSOR_THREADS=0');
  }
  const generation = threads > 0 ? sharedCacheGeneration() : undefined;
  // Holder 1 is this thread; the pool numbers its threads from 2.
  const writeLock = threads > 0 ? { id: 1, buffer: new SharedArrayBuffer(WriteLock.BYTES) } : undefined;
  let pool: ProcessorPool | undefined;
  const { core, storage, changes } = await composeLocalParts(config, logger, clock, {
    checkpoint: true,
    ...(generation && { cacheGeneration: generation }),
    ...(writeLock && { writeLock }),
    ...(threads > 0 && {
      onEnqueued: () => pool?.wake(),
      driverStats: () => pool?.driverStats() ?? new Map(),
      processorHealth: () => pool?.health() ?? { ok: false, detail: 'not started' },
    }),
  });
  if (generation && writeLock) {
    pool = new ProcessorPool({
      threads,
      config,
      logger,
      generation: generation.buffer,
      writeLock: writeLock.buffer,
      queue: storage.queue,
      metrics: core.metrics,
      onSettled: (userIds) => changes.notify(userIds),
    });
    return { ...core, storage, worker: pool };
  }
  const worker = new QueueWorker(storage.queue, core.processor, logger, {
    concurrency: config.worker.concurrency,
    idleWaitMs: 1000,
    errorDelayMs: 1000,
    onSettled: (userId) => changes.notify([userId]),
  });
  return { ...core, storage, worker: { start: async () => worker.start(), stop: (graceMs) => worker.stop(graceMs) } };
}

export interface LocalPartsOptions {
  /** Copy the WAL back from a background thread (the HTTP thread's storage does; see checkpointer.ts). */
  checkpoint?: boolean;
  /** Shared by the host's connections to the file (see adapters/local/write-lock.ts). */
  writeLock?: { id: number; buffer: SharedArrayBuffer };
  /** A processor thread's name on its lock tokens. */
  lockOwner?: string;
  /** After a commit made messages deliverable: the HTTP thread wakes the processor threads. */
  onEnqueued?: () => void;
  cacheGeneration?: CacheGeneration;
  /** A processor thread's reports to the HTTP thread (see HostPorts.observer). */
  observer?: ProcessorObserver;
  driverStats?: () => ReadonlyMap<string, DriverStatsReport>;
  /** The processor threads' state, for GET /api/health. */
  processorHealth?: () => { ok: boolean; detail?: string };
}

/** The storage, the core over it, and the signal that wakes a user's live streams when their outcomes settle. */
export interface LocalParts {
  core: Core;
  storage: LocalStorage;
  changes: UserChangeSignal;
}

/** What the HTTP thread and each processor thread build over the one SQLite file. */
export async function composeLocalParts(config: Config, logger: Logger, clock: Clock, options: LocalPartsOptions = {}): Promise<LocalParts> {
  const storage = openLocalStorage({
    file: join(config.dataDir, 'vextir.db'),
    synchronous: config.sqlite.synchronous,
    clock,
    lockMs: config.worker.lockMs,
    maxDeliveryCount: config.processor.maxDeliveryCount,
    contextLimits: config.context,
    ...(options.checkpoint && { backgroundCheckpoint: { onProblem: (message: string) => logger.warn(message) } }),
    ...(options.writeLock !== undefined && { writeLock: options.writeLock }),
    ...(options.lockOwner !== undefined && { lockOwner: options.lockOwner }),
    ...(options.onEnqueued !== undefined && { onEnqueued: options.onEnqueued }),
  });
  const changes = new UserChangeSignal();
  const { processorHealth } = options;
  try {
    const core = await composeCore(config, {
      mode: 'local',
      bus: storage.queue,
      deadLetters: storage.queue,
      store: storage.store,
      audit: storage.audit,
      state: storage.state,
      context: storage.context,
      authenticator: new CachingAuthenticator(new DevTokenAuthenticator(loadOrCreateDevSecret(config.dataDir), { adminRole: config.auth.adminRole })),
      clock,
      logger,
      healthChecks: async () => ({
        store: await probeCheck(async () => `queue depth ${await storage.queue.depth()}`),
        ...(processorHealth && { processors: processorHealth() }),
      }),
      waitForChanges: (userId, maxWaitMs, signal) => changes.wait(userId, maxWaitMs, signal),
      queueDepth: () => storage.queue.depth(),
      sharedCommit: true,
      ...(options.cacheGeneration !== undefined && { cacheGeneration: options.cacheGeneration }),
      ...(options.observer !== undefined && { observer: options.observer }),
      ...(options.driverStats !== undefined && { driverStats: options.driverStats }),
    });
    return { core, storage, changes };
  } catch (error) {
    storage.close(); // a bad driver module must not leave the database open
    throw error;
  }
}
