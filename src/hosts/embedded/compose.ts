/**
 * The embedded default's ports: one SQLite file for the queue and every store (so emitting,
 * recording and acknowledging are one transaction), dev tokens for callers, and a worker that
 * drains the queue in this process.
 */
import { join } from 'node:path';
import { openLocalStorage, type LocalStorage } from '../../adapters/local/index.js';
import { WorkSignal } from '../../adapters/work-signal.js';
import type { Config } from '../../config.js';
import { type Clock, type Logger, QueueWorker, systemClock } from '../../kernel/index.js';
import { CachingAuthenticator, DevTokenAuthenticator, loadOrCreateDevSecret } from '../../security/index.js';
import { composeCore, probeCheck, type Core } from '../../wiring/index.js';

export interface LocalSystem extends Core {
  storage: LocalStorage;
  worker: QueueWorker;
}

export async function composeLocal(config: Config, logger: Logger, clock: Clock = systemClock): Promise<LocalSystem> {
  const storage = openLocalStorage({
    file: join(config.dataDir, 'vextir.db'),
    synchronous: config.sqlite.synchronous,
    clock,
    lockMs: config.worker.lockMs,
    maxDeliveryCount: config.processor.maxDeliveryCount,
    contextLimits: config.context,
    backgroundCheckpoint: { onProblem: (message) => logger.warn(message) },
  });
  const changes = new WorkSignal();
  let core: Core;
  try {
    core = await composeCore(config, {
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
      healthChecks: async () => ({ store: await probeCheck(async () => `queue depth ${await storage.queue.depth()}`) }),
      waitForChanges: (maxWaitMs, signal) => changes.wait(maxWaitMs, signal),
      queueDepth: () => storage.queue.depth(),
      sharedCommit: true,
    });
  } catch (error) {
    storage.close(); // a bad driver module must not leave the database open
    throw error;
  }
  const worker = new QueueWorker(storage.queue, core.processor, logger, {
    concurrency: config.worker.concurrency,
    idleWaitMs: 1000,
    errorDelayMs: 1000,
    onSettled: () => changes.notify(),
  });
  return { ...core, storage, worker };
}
