/**
 * Reading a queue's dead letters (`<queue>/$DeadLetterQueue`) as the kernel's DeadLetter records,
 * for `vextir dlq ls` and the tests. Peeking leaves them in place.
 */
import type { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';
import type { DeadLetter } from '../../kernel/ports/bus.js';
import { toKernelErrorFromServiceBus } from './service-bus-errors.js';

/** Service Bus's own reasons, in the kernel's vocabulary (the processor's reasons pass unchanged). */
const REASONS: Record<string, string> = {
  MaxDeliveryCountExceeded: 'max_delivery_count_exceeded',
  TTLExpiredException: 'expired',
};

/** Oldest first, at most `max`. */
export async function peekDeadLetters(client: ServiceBusClient, queueName: string, max = 100): Promise<DeadLetter[]> {
  const receiver = client.createReceiver(queueName, { subQueueType: 'deadLetter', receiveMode: 'peekLock' });
  try {
    const messages = await receiver.peekMessages(max);
    return messages.map(toDeadLetter);
  } catch (error) {
    throw toKernelErrorFromServiceBus(error, `peeking at the dead letters of queue ${queueName}`);
  } finally {
    await receiver.close();
  }
}

export function toDeadLetter(message: ServiceBusReceivedMessage): DeadLetter {
  const reason = message.deadLetterReason ?? '';
  const at = message.applicationProperties?.vextirDeadLetteredAt;
  return {
    messageId: String(message.messageId ?? ''),
    body: message.body,
    reason: REASONS[reason] ?? reason,
    description: message.deadLetterErrorDescription ?? '',
    // A peeked message's count is the number of deliveries it had (none are made by peeking).
    deliveryCount: message.deliveryCount ?? 0,
    // Dead-lettering by the service (max delivery count) leaves no timestamp; the enqueue time is the best there is.
    deadLetteredAt: typeof at === 'string' ? at : (message.enqueuedTimeUtc ?? new Date(0)).toISOString(),
  };
}
