/**
 * The QueueConsumer on an Azure Service Bus queue (peek-lock), for the standalone worker
 * (`vextir worker`, src/hosts/azure/worker.ts) and the contract suite. In a Function App the
 * trigger receives and settles messages itself (src/functions/service-bus-trigger.ts).
 *
 * Settling is not one transaction here: the outcome is applied first (send outputs -> write the
 * record -> audit, `applyOutcome`), then the message is settled. A crash or a lost lock in between
 * leads to a redelivery that converges (deterministic child ids, records keyed by event id).
 *
 * Retry with backoff: Service Bus has no "abandon with delay", and a plain abandon makes the
 * message visible at once, which would burn the delivery count in milliseconds. So a retry
 * schedules a copy for now + retryAfterMs (attempt carried in `vextirAttempt`) and completes the
 * original. Locks are not renewed automatically: a delivery held longer than the queue's lock
 * duration is redelivered, as with the SQLite queue; keep driver timeouts below it.
 */
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver, ServiceBusSender } from '@azure/service-bus';
// The SDK takes sequence numbers as `Long`s of this package (its own dependency, declared here too).
import Long from 'long';
import { applyOutcome, type Clock, type Delivery, KernelError, type Outcome, type OutcomeTargets, type QueueConsumer, systemClock } from '../../kernel/index.js';
import { toKernelErrorFromServiceBus } from './service-bus-errors.js';
import { RELEASES_PROPERTY, attemptOf, releasesOf, retryCopy } from './service-bus-message.js';

export interface ServiceBusQueueConsumerOptions {
  /** Where `settle` makes an outcome durable: the bus for outputs, the store and the audit log. */
  targets: OutcomeTargets;
  clock?: Clock;
  /** How long `receive` waits for a first message (a long poll). Default 200 ms. */
  receiveWaitMs?: number;
  /** How long `waitForWork` sleeps: the long poll in `receive` is the real wait. Default 50 ms. */
  pollMs?: number;
  /** `depth` counts by peeking, up to this many messages. Default 1000. */
  depthCap?: number;
}

/** Service Bus allows at most 4096 characters for a dead-letter reason or description; cut, not refused. */
const MAX_DEAD_LETTER_TEXT = 4096;
/** The SDK refuses larger batches in peek-lock mode. */
const MAX_RECEIVE = 2047;
const PEEK_PAGE = 250;

export class ServiceBusQueueConsumer implements QueueConsumer {
  readonly queueName: string;
  readonly #receiver: ServiceBusReceiver;
  readonly #sender: ServiceBusSender;
  readonly #targets: OutcomeTargets;
  readonly #clock: Clock;
  readonly #receiveWaitMs: number;
  readonly #pollMs: number;
  readonly #depthCap: number;
  /** The SDK message behind each delivery handed out: settling needs it (its link and lock token). */
  readonly #leased = new WeakMap<Delivery, ServiceBusReceivedMessage>();
  #receiveFailed = false;

  constructor(client: ServiceBusClient, queueName: string, options: ServiceBusQueueConsumerOptions) {
    this.queueName = queueName;
    this.#receiver = client.createReceiver(queueName, { receiveMode: 'peekLock', maxAutoLockRenewalDurationInMs: 0 });
    this.#sender = client.createSender(queueName);
    this.#targets = options.targets;
    this.#clock = options.clock ?? systemClock;
    this.#receiveWaitMs = options.receiveWaitMs ?? 200;
    this.#pollMs = options.pollMs ?? 50;
    this.#depthCap = options.depthCap ?? 1000;
  }

  async receive(max: number): Promise<Delivery[]> {
    if (max <= 0) return [];
    let messages: ServiceBusReceivedMessage[];
    try {
      messages = await this.#receiver.receiveMessages(Math.min(max, MAX_RECEIVE), { maxWaitTimeInMs: this.#receiveWaitMs });
      this.#receiveFailed = false;
    } catch (error) {
      this.#receiveFailed = true;
      throw toKernelErrorFromServiceBus(error, `receiving from queue ${this.queueName}`);
    }
    return messages.map((message) => {
      const delivery: Delivery = {
        messageId: String(message.messageId ?? ''),
        body: message.body,
        deliveryCount: attemptOf(message.applicationProperties, message.deliveryCount ?? 0),
        enqueuedAt: message.enqueuedTimeUtc ?? this.#clock.now(),
      };
      this.#leased.set(delivery, message);
      return delivery;
    });
  }

  /**
   * Apply the outcome, then settle: complete ('complete', 'delay', 'skip'), dead-letter ('poison')
   * or schedule a copy and complete ('retry'). Throws `conflict` when the lock was lost before
   * settling; the outcome was applied by then and the redelivery converges.
   */
  async settle(delivery: Delivery, outcome: Outcome): Promise<void> {
    const message = this.#message(delivery);
    if (outcome.kind !== 'skip' && outcome.kind !== 'poison') await applyOutcome(outcome, this.#targets);
    await this.#call('settling a message', async () => {
      if (outcome.kind === 'retry') {
        await this.#redeliverLater(message, delivery.deliveryCount, outcome.retryAfterMs);
      } else if (outcome.kind === 'poison') {
        await this.#receiver.deadLetterMessage(message, {
          deadLetterReason: outcome.reason.slice(0, MAX_DEAD_LETTER_TEXT),
          deadLetterErrorDescription: outcome.description.slice(0, MAX_DEAD_LETTER_TEXT),
          vextirDeadLetteredAt: this.#clock.now().toISOString(),
        });
      } else {
        await this.#receiver.completeMessage(message);
      }
    });
    this.#leased.delete(delivery);
  }

  /** Abandon, recording the release so that `deliveryCount` does not count this delivery. */
  async release(delivery: Delivery): Promise<void> {
    const message = this.#message(delivery);
    const releases = releasesOf(message.applicationProperties) + 1;
    await this.#call('releasing a message', () => this.#receiver.abandonMessage(message, { [RELEASES_PROPERTY]: releases }));
    this.#leased.delete(delivery);
  }

  /** Counts the delivery; with a delay, redelivers a scheduled copy (Service Bus cannot delay an abandon). */
  async abandon(delivery: Delivery, delayMs: number): Promise<void> {
    const message = this.#message(delivery);
    await this.#call('abandoning a message', async () => {
      if (delayMs > 0) await this.#redeliverLater(message, delivery.deliveryCount, delayMs);
      else await this.#receiver.abandonMessage(message);
    });
    this.#leased.delete(delivery);
  }

  /**
   * A short sleep: `receive` itself long-polls the queue, and publishes from other processes
   * cannot be observed here. After a failed receive, sleep the full time to avoid spinning.
   */
  waitForWork(maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    const waitMs = this.#receiveFailed ? maxWaitMs : Math.min(maxWaitMs, this.#pollMs);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * Messages in the queue (ready, locked or scheduled), counted by peeking: the exact count is
   * only on the administration API, which needs Manage rights this worker should not have.
   * Above `depthCap` the result is a lower bound (`depthCap`). Costs one peek per 250 messages.
   */
  async depth(): Promise<number> {
    return this.#call('peeking at the queue', async () => {
      let count = 0;
      // From the start every time: without it the SDK continues where the last peek ended.
      let from = Long.fromNumber(0);
      while (count < this.#depthCap) {
        const page = await this.#receiver.peekMessages(Math.min(PEEK_PAGE, this.#depthCap - count), { fromSequenceNumber: from });
        const last = page.at(-1)?.sequenceNumber;
        if (!last) break;
        count += page.length;
        from = last.add(1);
      }
      return count;
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.#receiver.close(), this.#sender.close()]);
  }

  async #redeliverLater(message: ServiceBusReceivedMessage, attempt: number, delayMs: number): Promise<void> {
    const copy = retryCopy(message, attempt);
    if (delayMs > 0) await this.#sender.scheduleMessages(copy, new Date(this.#clock.now().getTime() + delayMs));
    else await this.#sender.sendMessages(copy);
    await this.#receiver.completeMessage(message);
  }

  #message(delivery: Delivery): ServiceBusReceivedMessage {
    const message = this.#leased.get(delivery);
    if (!message) throw new KernelError('conflict', `message ${delivery.messageId} is not leased by this consumer (already settled?)`);
    return message;
  }

  async #call<T>(action: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toKernelErrorFromServiceBus(error, `${action} on queue ${this.queueName}`);
    }
  }
}
