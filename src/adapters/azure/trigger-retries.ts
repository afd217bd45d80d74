/**
 * Retry with backoff for messages the Functions trigger settles itself. The trigger can only
 * complete or abandon, and an abandon redelivers at once; so a retry schedules a copy of the
 * message for later (carrying the next attempt number) and the original is completed.
 */
import type { ServiceBusClient, ServiceBusSender } from '@azure/service-bus';
import type { Clock, RetryScheduler } from '../../kernel/index.js';
import { toKernelErrorFromServiceBus } from './service-bus-errors.js';
import { retryCopy, type CopySource } from './service-bus-message.js';

export class TriggerRetries {
  readonly #sender: ServiceBusSender;

  constructor(client: ServiceBusClient, private readonly queueName: string, private readonly clock: Clock) {
    this.#sender = client.createSender(queueName);
  }

  /** A scheduler bound to the message being handled: a retry re-sends a copy of it. */
  forMessage(message: CopySource): RetryScheduler {
    return {
      scheduleRetry: async (body: unknown, nextAttempt: number, delayMs: number): Promise<void> => {
        const at = new Date(this.clock.now().getTime() + delayMs);
        try {
          await this.#sender.scheduleMessages(retryCopy({ ...message, body }, nextAttempt - 1), at);
        } catch (error) {
          throw toKernelErrorFromServiceBus(error, `scheduling a retry on queue ${this.queueName}`);
        }
      },
    };
  }

  async close(): Promise<void> {
    await this.#sender.close();
  }
}
