/**
 * The EventBus on an Azure Service Bus queue. Each event is one message (see service-bus-message.ts):
 * a JSON CloudEvent whose `messageId` is the event's delivery key, so that the queue's duplicate
 * detection drops an event re-emitted within its window. This is what makes re-processing a
 * redelivered parent safe; the queue must be created with duplicate detection on (infra/ does).
 *
 * Events are sent in batches built by the SDK, which knows the link's size limit (256 KiB on
 * Standard, up to 100 MiB on Premium): a publish larger than one batch becomes several, sent in
 * order. The client is the Azure host's (src/hosts/azure/clients.ts: from a connection string, or a namespace and
 * DefaultAzureCredential); this class owns only its sender.
 */
import type { ServiceBusClient, ServiceBusMessage, ServiceBusMessageBatch, ServiceBusSender } from '@azure/service-bus';
import { type Envelope, type EventBus, KernelError, type PublishOptions } from '../../kernel/index.js';
import { toKernelErrorFromServiceBus } from './service-bus-errors.js';
import { toServiceBusMessage } from './service-bus-message.js';

export class ServiceBusEventBus implements EventBus {
  readonly queueName: string;
  readonly #sender: ServiceBusSender;

  constructor(client: ServiceBusClient, queueName: string) {
    this.queueName = queueName;
    this.#sender = client.createSender(queueName);
  }

  /**
   * Send the events, or schedule them for `notBefore`. Throws `payload_too_large` (nothing sent)
   * when one event alone exceeds the size limit; SDK failures are translated by
   * toKernelErrorFromServiceBus (throttling and outages are retryable).
   */
  async publish(events: readonly Envelope[], options: PublishOptions = {}): Promise<void> {
    if (events.length === 0) return;
    const signal = options.signal;
    try {
      const groups = await this.#group(events, signal, options.release);
      for (const { batch, messages } of groups) {
        if (options.notBefore) await this.#sender.scheduleMessages(messages, options.notBefore, signal ? { abortSignal: signal } : {});
        else await this.#sender.sendMessages(batch, signal ? { abortSignal: signal } : {});
      }
    } catch (error) {
      throw toKernelErrorFromServiceBus(error, `publishing ${events.length} event(s) to queue ${this.queueName}`);
    }
  }

  async close(): Promise<void> {
    await this.#sender.close();
  }

  /**
   * Split the events into batches that each fit the link's size limit. Scheduled messages go in
   * one management request per group, which has the same limit, so they are grouped the same way.
   */
  async #group(events: readonly Envelope[], signal: AbortSignal | undefined, release: string | undefined): Promise<Array<{ batch: ServiceBusMessageBatch; messages: ServiceBusMessage[] }>> {
    const options = signal ? { abortSignal: signal } : {};
    const groups: Array<{ batch: ServiceBusMessageBatch; messages: ServiceBusMessage[] }> = [];
    let current = { batch: await this.#sender.createMessageBatch(options), messages: [] as ServiceBusMessage[] };
    for (const event of events) {
      const message = toServiceBusMessage(event, release);
      if (current.batch.tryAddMessage(message)) {
        current.messages.push(message);
        continue;
      }
      if (current.messages.length === 0) throw tooLarge(event, current.batch.maxSizeInBytes);
      groups.push(current);
      current = { batch: await this.#sender.createMessageBatch(options), messages: [message] };
      if (!current.batch.tryAddMessage(message)) throw tooLarge(event, current.batch.maxSizeInBytes);
    }
    groups.push(current);
    return groups;
  }
}

function tooLarge(event: Envelope, limit: number): KernelError {
  return new KernelError('payload_too_large', `event ${event.id} (${event.type}) does not fit in one Service Bus message of at most ${limit} bytes`, {
    retryable: false,
    details: { eventId: event.id, limitBytes: limit },
  });
}
