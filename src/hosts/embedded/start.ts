/**
 * `vextir start`: the embedded host's start-up and shutdown around the composed system: the
 * data-dir lock (one host per folder), reclaiming a crashed predecessor's leases, listening,
 * the processing (in this thread or in processor threads), and a graceful stop that loses no
 * accepted event.
 */
import { acquireHostLock, createHttpServer } from '../../adapters/local/index.js';
import type { Config } from '../../config.js';
import { type Clock, type Logger, systemClock } from '../../kernel/index.js';
import { startTicker } from '../../scheduler/index.js';
import { composeLocal, type LocalSystem } from './compose.js';

export interface RunningLocalHost {
  url: string;
  system: LocalSystem;
  /** Stop taking work, finish or release in-flight messages, close the database. Idempotent. */
  stop(): Promise<void>;
}

/** `clock`: the system clock, except in tests that move time on (a throttled event's next window). */
export async function startLocal(config: Config, logger: Logger, clock: Clock = systemClock): Promise<RunningLocalHost> {
  const lock = acquireHostLock(config.dataDir);
  let system: LocalSystem | undefined;
  try {
    system = await composeLocal(config, logger, clock);
    // We are the only host on this folder: leases held by a crashed predecessor are void.
    const reclaimed = system.storage.queue.releaseExpiredAndOrphanedLocks();
    if (reclaimed > 0) logger.warn({ reclaimed }, 'reclaimed messages leased by a previous process that did not shut down');
    await system.start();
  } catch (error) {
    system?.storage.close(); // a bad policy file or driver init must not leave the database open
    lock.release();
    throw error;
  }
  const server = createHttpServer(system.api, logger);
  let url: string;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.http.port, config.http.host, () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    url = `http://${config.http.host}:${port}`;
    // With processor threads: resolves once every thread has composed its core and is leasing.
    await system.worker.start();
  } catch (error) {
    server.close();
    await system.worker.stop(0);
    await system.close();
    system.storage.close();
    lock.release();
    throw error;
  }
  const ticker = config.scheduler.tickMs > 0 ? startTicker(system.scheduler, { intervalMs: config.scheduler.tickMs, logger }) : undefined;
  system.mailboxes.start();
  logger.info({ url, dataDir: config.dataDir, processorThreads: config.worker.threads, drivers: system.registry.all().map((d) => d.manifest.id) }, 'Vextir OS is running');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      logger.info('shutting down: no new requests or messages');
      await system.mailboxes.stop(); // no new mail is taken in while the rest drains
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await ticker?.stop();
      await system.worker.stop(config.worker.shutdownGraceMs);
      server.closeAllConnections(); // live streams end here
      await closed;
      await system.close();
      system.storage.close();
      lock.release();
      logger.info('stopped');
    })());
  return { url, system, stop };
}
