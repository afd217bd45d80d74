/**
 * The embedded runtime's consumer loop: lease messages, process them concurrently, settle each
 * outcome. On Azure the Functions host plays this role for the Service Bus trigger.
 */
import { toKernelError } from './errors.js';
import type { Delivery, QueueConsumer } from './ports/bus.js';
import type { Logger } from './ports/logger.js';
import type { EventProcessor } from './processor/processor.js';

export interface WorkerOptions {
  /** Messages processed at once. */
  concurrency: number;
  /** Longest sleep when the queue is empty (a publish in this process wakes it at once). */
  idleWaitMs: number;
  /** Redelivery delay when processing itself failed (e.g. the store was unavailable). */
  errorDelayMs: number;
  /** Called after each settled outcome that changed a user's records, with that user (wakes their live streams). */
  onSettled?: (userId: string) => void;
}

export class QueueWorker {
  readonly #inFlight = new Set<Promise<void>>();
  readonly #stopping = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(
    private readonly consumer: QueueConsumer,
    private readonly processor: EventProcessor,
    private readonly logger: Logger,
    private readonly options: WorkerOptions,
  ) {}

  get inFlight(): number {
    return this.#inFlight.size;
  }

  start(): void {
    this.#loop ??= this.#run().catch((error: unknown) => {
      this.logger.error({ err: error }, 'worker loop crashed');
    });
  }

  /**
   * Stop leasing, let in-flight events finish for up to `graceMs`, then abort the drivers still
   * running; their messages are released for the next start, never lost.
   */
  async stop(graceMs: number): Promise<void> {
    this.#stopping.abort();
    await this.#loop;
    const drained = Promise.allSettled([...this.#inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
    if ((await Promise.race([drained, grace])) === 'timeout') {
      this.logger.warn({ inFlight: this.#inFlight.size }, 'grace period over: aborting running drivers');
      this.processor.stop();
      await drained;
    }
    clearTimeout(timer);
  }

  async #run(): Promise<void> {
    const signal = this.#stopping.signal;
    while (!signal.aborted) {
      const free = this.options.concurrency - this.#inFlight.size;
      if (free <= 0) {
        await Promise.race(this.#inFlight);
        continue;
      }
      let deliveries: Delivery[];
      try {
        deliveries = await this.consumer.receive(free);
      } catch (error) {
        this.logger.error({ err: error }, 'receiving from the queue failed; retrying');
        await this.consumer.waitForWork(this.options.idleWaitMs, signal).catch(() => undefined);
        continue;
      }
      if (deliveries.length === 0) {
        await this.consumer.waitForWork(this.options.idleWaitMs, signal).catch((error: unknown) => {
          this.logger.error({ err: error }, 'waiting for work failed');
        });
        continue;
      }
      for (const delivery of deliveries) {
        const task = this.#handle(delivery).finally(() => this.#inFlight.delete(task));
        this.#inFlight.add(task);
      }
    }
  }

  async #handle(delivery: Delivery): Promise<void> {
    try {
      const outcome = await this.processor.process(delivery.body, { deliveryCount: delivery.deliveryCount, messageId: delivery.messageId });
      await this.consumer.settle(delivery, outcome);
      // A skipped duplicate or a dead-lettered non-event changed no record.
      if ('record' in outcome) this.options.onSettled?.(outcome.record.userId);
    } catch (caught) {
      const error = toKernelError(caught);
      if (error.code === 'shutting_down') {
        await this.consumer.release(delivery).catch(() => undefined);
        return;
      }
      this.logger.error({ err: error, messageId: delivery.messageId }, 'processing failed; the message will be redelivered');
      await this.consumer.abandon(delivery, this.options.errorDelayMs).catch(() => undefined);
    }
  }
}
