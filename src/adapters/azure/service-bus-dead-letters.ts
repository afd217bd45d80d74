/**
 * A queue's dead letters (`<queue>/$DeadLetterQueue`) as the kernel's DeadLetterQueue: listing
 * peeks (the dead letters stay in place); replaying sends a copy to the main queue and then
 * removes the dead letter.
 */
import type { ServiceBusClient, ServiceBusMessage, ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import Long from 'long';
import { type DeadLetter, type DeadLetterQueue, KernelError } from '../../kernel/index.js';
import { toKernelErrorFromServiceBus } from './service-bus-errors.js';
import { ATTEMPT_PROPERTY, RELEASES_PROPERTY } from './service-bus-message.js';

/** Service Bus's own reasons, in the kernel's vocabulary (the processor's reasons pass unchanged). */
const REASONS: Record<string, string> = {
  MaxDeliveryCountExceeded: 'max_delivery_count_exceeded',
  TTLExpiredException: 'expired',
};

/**
 * Peeks always say where to start: without it, the SDK goes on after the last message peeked on
 * this entity by any receiver of the same client, so a second listing would come back empty.
 */
const FIRST_SEQUENCE_NUMBER = Long.ONE;
/** Peeks come in pages of this many (Service Bus may return fewer per request anyway). */
const PEEK_PAGE = 250;
/**
 * Application properties a replayed copy does not keep: the dead-letter annotations (the copy is
 * not a dead letter), and the attempt bookkeeping (a replay is a fresh round of deliveries, so the
 * processor counts attempts from 1 again instead of giving up at once).
 */
const NOT_REPLAYED = new Set(['DeadLetterReason', 'DeadLetterErrorDescription', 'vextirDeadLetteredAt', ATTEMPT_PROPERTY, RELEASES_PROPERTY]);

/** Oldest first, at most `max`. */
export async function peekDeadLetters(client: ServiceBusClient, queueName: string, max = 100): Promise<DeadLetter[]> {
  const receiver = client.createReceiver(queueName, { subQueueType: 'deadLetter', receiveMode: 'peekLock' });
  try {
    const letters: DeadLetter[] = [];
    for await (const page of peekPages(receiver, max)) letters.push(...page.map(toDeadLetter));
    return letters;
  } catch (error) {
    throw toKernelErrorFromServiceBus(error, `peeking at the dead letters of queue ${queueName}`);
  } finally {
    await receiver.close();
  }
}

export interface ServiceBusDeadLetterQueueOptions {
  /** How many dead letters a replay looks through for the message id (default 500). */
  scanLimit?: number;
  /** How long a replay waits for the dead letters ahead of the one it wants to be delivered to it (default 5 s). */
  receiveWaitMs?: number;
}

/**
 * The DeadLetterQueue of one Service Bus queue. Links are opened per call and closed after it:
 * listing and replaying are rare operator actions, and an idle instance then holds nothing open.
 */
export class ServiceBusDeadLetterQueue implements DeadLetterQueue {
  readonly queueName: string;
  readonly #client: ServiceBusClient;
  readonly #scanLimit: number;
  readonly #receiveWaitMs: number;

  constructor(client: ServiceBusClient, queueName: string, options: ServiceBusDeadLetterQueueOptions = {}) {
    this.#client = client;
    this.queueName = queueName;
    this.#scanLimit = options.scanLimit ?? 500;
    this.#receiveWaitMs = options.receiveWaitMs ?? 5000;
  }

  /** Oldest first (the order peeking reads the sub-queue in). */
  list(limit: number): Promise<DeadLetter[]> {
    return peekDeadLetters(this.#client, this.queueName, limit);
  }

  /**
   * Service Bus cannot take one message by id, so this peeks for the id among the first
   * `scanLimit` dead letters, then receives (peek-lock) up to it and gives the others back.
   * Giving back is an abandon, which counts a delivery on those dead letters: Service Bus has no
   * uncounted release, and the dead-letter sub-queue has no delivery limit to reach.
   */
  async replay(messageId: string): Promise<void> {
    const receiver = this.#client.createReceiver(this.queueName, { subQueueType: 'deadLetter', receiveMode: 'peekLock' });
    const held: ServiceBusReceivedMessage[] = [];
    try {
      const target = await this.#find(receiver, messageId);
      if (!target) throw new KernelError('not_found', `no dead letter with message id ${messageId} among the first ${this.#scanLimit} of queue ${this.queueName}`);
      const letter = await this.#lockUpTo(receiver, target, held);
      if (!letter) throw new KernelError('conflict', `dead letter ${messageId} of queue ${this.queueName} is locked by another receiver or was just taken; try again`);
      // Send first, complete second: a crash in between leaves the dead letter in place next to
      // its copy (a duplicate, which a second replay's identical copy id lets duplicate detection
      // drop), never a message that is in neither queue.
      const sender = this.#client.createSender(this.queueName);
      try {
        await sender.sendMessages(replayCopy(letter));
      } finally {
        await sender.close();
      }
      await receiver.completeMessage(letter);
    } catch (error) {
      throw toKernelErrorFromServiceBus(error, `replaying dead letter ${messageId} of queue ${this.queueName}`);
    } finally {
      // Best effort: a dead letter not given back becomes available again when its lock expires.
      await Promise.allSettled(held.map((message) => receiver.abandonMessage(message)));
      await receiver.close();
    }
  }

  /** The first dead letter with this id: its sequence number and how many dead letters are ahead of it. */
  async #find(receiver: ServiceBusReceiver, messageId: string): Promise<{ sequence: string; ahead: number } | undefined> {
    let scanned = 0;
    for await (const page of peekPages(receiver, this.#scanLimit)) {
      const index = page.findIndex((message) => String(message.messageId ?? '') === messageId);
      const found = page[index];
      if (found) return { sequence: sequenceOf(found), ahead: scanned + index };
      scanned += page.length;
    }
    return undefined;
  }

  /**
   * Receive in order until the target arrives; everything received before it is kept locked in
   * `held` (so the next receive moves on past it) for the caller to give back.
   */
  async #lockUpTo(receiver: ServiceBusReceiver, target: { sequence: string; ahead: number }, held: ServiceBusReceivedMessage[]): Promise<ServiceBusReceivedMessage | undefined> {
    let found: ServiceBusReceivedMessage | undefined;
    while (!found && held.length < this.#scanLimit) {
      const wanted = Math.max(1, target.ahead + 1 - held.length);
      const batch = await receiver.receiveMessages(wanted, { maxWaitTimeInMs: this.#receiveWaitMs });
      if (batch.length === 0) return undefined;
      for (const message of batch) {
        if (!found && sequenceOf(message) === target.sequence) found = message;
        else held.push(message);
      }
    }
    return found;
  }
}

/**
 * The copy a replay sends to the main queue: body, content type, subject, correlation id and
 * application properties (less NOT_REPLAYED). Its message id is new, or duplicate detection would
 * drop it as the original it copies, and derived from the dead letter's sequence number, so that
 * replaying the same dead letter twice (a crash between send and complete) is still one message.
 */
export function replayCopy(letter: ServiceBusReceivedMessage): ServiceBusMessage {
  const properties: Record<string, number | boolean | string | Date | null> = {};
  for (const [key, value] of Object.entries(letter.applicationProperties ?? {})) {
    if (!NOT_REPLAYED.has(key) && isPropertyValue(value)) properties[key] = value;
  }
  const copy: ServiceBusMessage = {
    body: letter.body as unknown, // the SDK leaves a body untyped
    messageId: `${String(letter.messageId ?? '')}.replay-${sequenceOf(letter)}`,
    applicationProperties: properties,
  };
  if (letter.contentType !== undefined) copy.contentType = letter.contentType;
  if (letter.subject !== undefined) copy.subject = letter.subject;
  if (typeof letter.correlationId === 'string') copy.correlationId = letter.correlationId;
  return copy;
}

/** Up to `max` messages from the start of the (sub-)queue, a page per peek request. */
async function* peekPages(receiver: ServiceBusReceiver, max: number): AsyncGenerator<ServiceBusReceivedMessage[]> {
  let peeked = 0;
  let from = FIRST_SEQUENCE_NUMBER;
  while (peeked < max) {
    const page = await receiver.peekMessages(Math.min(PEEK_PAGE, max - peeked), { fromSequenceNumber: from });
    const last = page.at(-1)?.sequenceNumber;
    if (last === undefined) return;
    yield page;
    peeked += page.length;
    from = last.add(1);
  }
}

/** Sequence numbers are 64-bit (a `Long`): compared and printed as decimal text. */
function sequenceOf(message: ServiceBusReceivedMessage): string {
  return message.sequenceNumber?.toString() ?? '0';
}

function isPropertyValue(value: unknown): value is number | boolean | string | Date | null {
  return value === null || value instanceof Date || ['number', 'boolean', 'string'].includes(typeof value);
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
