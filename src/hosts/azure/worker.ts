/**
 * `vextir worker`: the UniversalEventProcessor outside Functions, for users who run it in a
 * container (Container Apps, AKS, a VM). The same Azure system as the Function App, with the
 * kernel's QueueWorker leasing messages from the queue (peek-lock) instead of the trigger.
 * It serves no HTTP: the API stays with the Function App (or any host of the same core).
 */
import { ServiceBusQueueConsumer } from '../../adapters/azure/index.js';
import type { Config } from '../../config.js';
import { type Logger, QueueWorker } from '../../kernel/index.js';
import { startTicker } from '../../scheduler/index.js';
import { composeAzure, type AzureClients, type AzureSystem } from './compose.js';

export interface RunningAzureWorker {
  system: AzureSystem;
  /** Stop leasing, let in-flight events finish (or abandon them for redelivery), close the clients. Idempotent. */
  stop(): Promise<void>;
}

export async function startAzureWorker(config: Config, logger: Logger, clients: AzureClients = {}): Promise<RunningAzureWorker> {
  const system = await composeAzure(config, logger, clients);
  const queue = config.azure?.serviceBus.queue ?? '';
  const consumer = new ServiceBusQueueConsumer(system.serviceBus, queue, {
    targets: { bus: system.bus, store: system.stores.store, audit: system.stores.audit },
    ...(clients.clock && { clock: clients.clock }),
  });
  const worker = new QueueWorker(consumer, system.processor, logger, {
    concurrency: config.worker.concurrency,
    idleWaitMs: 1000,
    errorDelayMs: 1000,
  });
  worker.start();
  // Any number of workers (and the Function App's timer) may tick: each slot still fires once.
  const ticker = config.scheduler.tickMs > 0 ? startTicker(system.scheduler, { intervalMs: config.scheduler.tickMs, logger }) : undefined;
  // The Function App has no long-running process to watch mailboxes in: the worker does it.
  system.mailboxes.start();
  logger.info({ queue, drivers: system.registry.all().map((d) => d.manifest.id), concurrency: config.worker.concurrency }, 'Vextir OS worker is running');
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      logger.info('shutting down: no new messages');
      await ticker?.stop();
      await system.mailboxes.stop();
      await worker.stop(config.worker.shutdownGraceMs);
      await consumer.close();
      await system.close();
      logger.info('stopped');
    })());
  return { system, stop };
}
