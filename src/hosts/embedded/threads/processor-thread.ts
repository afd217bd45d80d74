/**
 * A processor thread: its own connection to the host's SQLite file, the core composed over it
 * (the same drivers, policies and plans as the HTTP thread), and a QueueWorker leasing from the
 * shared queue. Leases make consumers on several connections safe: a message is leased in one
 * IMMEDIATE transaction, and a settle whose lease was taken over is refused (sqlite-queue.ts).
 *
 * The HTTP thread installed the global policies and owns the scheduler, the mailboxes and the
 * checkpointer; this thread only processes. It reports settles and observations in batches
 * (thread-report.ts), logs through the HTTP thread (thread-logger.ts), and stops on request,
 * draining as the in-process worker does.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { loadConfig } from '../../../config.js';
import { type DriverStats, QueueWorker, systemClock } from '../../../kernel/index.js';
import { composeLocalParts, type LocalParts } from '../compose.js';
import type { FromThread, ThreadData, ToThread } from './protocol.js';
import { sharedCacheGeneration } from './shared-generation.js';
import { portLogger } from './thread-logger.js';
import { ThreadReport } from './thread-report.js';

const threadDataSchema = z.object({
  index: z.number().int().nonnegative(),
  lockOwner: z.string().min(1),
  settings: z.record(z.string(), z.string()),
  generation: z.instanceof(SharedArrayBuffer),
  writeLock: z.object({ id: z.number().int().positive(), buffer: z.instanceof(SharedArrayBuffer) }),
}) satisfies z.ZodType<ThreadData>;

if (parentPort === null) throw new Error('processor-thread is the entry of a worker thread, not a module to import');
const port = parentPort;
const post = (message: FromThread): void => port.postMessage(message);

async function run(data: ThreadData): Promise<void> {
  const config = loadConfig(data.settings);
  const logger = portLogger(post, config.log.level, { thread: data.index });
  // The report is the processor's observer, so it exists before the processor whose runners it reads.
  const composed: { parts?: LocalParts } = {};
  const report = new ThreadReport(post, function* stats(): Generator<[string, DriverStats]> {
    for (const [id, runner] of composed.parts?.core.processor.runners ?? []) yield [id, runner.stats];
  });
  const parts = await composeLocalParts(config, logger, systemClock, {
    lockOwner: data.lockOwner,
    writeLock: data.writeLock,
    cacheGeneration: sharedCacheGeneration(data.generation),
    observer: report,
  });
  composed.parts = parts;
  const { core, storage } = parts;
  try {
    await core.registry.initAll();
  } catch (error) {
    await core.close();
    storage.close();
    throw error;
  }
  const worker = new QueueWorker(storage.queue, core.processor, logger, {
    concurrency: config.worker.concurrency,
    // The HTTP thread says when it enqueued ('work'); this is the poll should a wake-up be missed.
    idleWaitMs: 1000,
    errorDelayMs: 1000,
    onSettled: (userId) => report.settled(userId),
  });
  let stopping: Promise<void> | undefined;
  port.on('message', (message: ToThread) => {
    if (message.kind === 'work') storage.queue.wake();
    else if (message.kind === 'stop') {
      stopping ??= (async () => {
        await worker.stop(message.graceMs);
        await core.close();
        storage.close();
        report.close();
        post({ kind: 'stopped' });
        process.exit(0);
      })();
    }
  });
  worker.start();
  post({ kind: 'ready' });
}

run(threadDataSchema.parse((workerData as { data: unknown }).data)).catch((error: unknown) => {
  post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
