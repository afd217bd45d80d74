/**
 * One queue of the test broker, with no AMQP in it: what Service Bus does with a message between
 * send and settle. Duplicate detection on message_id within a window, scheduled enqueue, peek-lock
 * with a lock duration, lock renewal, delivery counting, abandon (optionally changing application
 * properties), and dead-lettering on request or after the max delivery count.
 *
 * Locks and schedules are checked lazily against `now()` whenever the broker looks for work, so a
 * test may drive time with a fake clock; the broker also polls so that real time works too.
 */
import { randomUUID } from 'node:crypto';
import type { Message } from 'rhea';
import { SeqHeap } from './seq-heap.js';

export interface QueueSettings {
  lockDurationMs: number;
  /** Deliveries after which an unsettled message is dead-lettered (Service Bus default: 10). */
  maxDeliveryCount: number;
  duplicateDetection: boolean;
  duplicateWindowMs: number;
}

export interface StoredMessage {
  readonly seq: number;
  readonly messageId: string;
  /** The message as the sender sent it; the broker adds its annotations on the way out. */
  readonly message: Message;
  readonly enqueuedAt: number;
  /** Scheduled enqueue time (equal to enqueuedAt for a plain send). */
  readonly visibleAt: number;
  /** Times it was handed to a receiver. */
  deliveries: number;
  lock: { token: string; until: number } | undefined;
}

export type Settlement =
  | { kind: 'complete' }
  | { kind: 'abandon'; properties?: Record<string, unknown> }
  | { kind: 'deadLetter'; reason: string; description: string; properties?: Record<string, unknown> };

export class BrokerQueue {
  /** `<name>/$DeadLetterQueue`; undefined on a dead-letter queue itself. */
  readonly deadLetterQueue: BrokerQueue | undefined;
  /** Transfers received for this queue (one per single send or per batch). */
  transfers = 0;
  readonly #messages = new Map<number, StoredMessage>();
  readonly #ready = new SeqHeap();
  readonly #waiting = new Set<number>();
  readonly #locks = new Map<string, number>();
  readonly #seen = new Map<string, number>();
  #nextSeq = 1;

  constructor(
    readonly name: string,
    readonly settings: QueueSettings,
    private readonly now: () => number,
    isDeadLetterQueue = false,
  ) {
    this.deadLetterQueue = isDeadLetterQueue ? undefined : new BrokerQueue(`${name}/$DeadLetterQueue`, settings, now, true);
  }

  /** Returns the sequence number, or undefined when duplicate detection dropped the message. */
  enqueue(message: Message, scheduledAt?: number, deliveries = 0): number | undefined {
    const now = this.now();
    // The SDK's lock renewal needs a message_id, so the broker assigns one as Service Bus does.
    const messageId = message.message_id === undefined || message.message_id === null ? randomUUID() : String(message.message_id);
    if (this.settings.duplicateDetection && this.deadLetterQueue) {
      this.#pruneSeen(now);
      if (this.#seen.has(messageId)) return undefined;
      this.#seen.set(messageId, now);
    }
    const seq = this.#nextSeq++;
    const visibleAt = Math.max(now, scheduledAt ?? now);
    this.#messages.set(seq, { seq, messageId, message: { ...message, message_id: messageId }, enqueuedAt: now, visibleAt, deliveries, lock: undefined });
    if (visibleAt > now) this.#waiting.add(seq);
    else this.#ready.push(seq);
    return seq;
  }

  /** Lock the next deliverable message, or return undefined when none is. Call `releaseDue` first. */
  lockNext(): StoredMessage | undefined {
    for (;;) {
      const seq = this.#ready.pop();
      if (seq === undefined) return undefined;
      const stored = this.#messages.get(seq);
      if (!stored || stored.lock) continue;
      if (this.deadLetterQueue && stored.deliveries >= this.settings.maxDeliveryCount) {
        this.#deadLetter(stored, 'MaxDeliveryCountExceeded', `Message could not be consumed after ${stored.deliveries} delivery attempts.`);
        continue;
      }
      const token = randomUUID();
      stored.deliveries += 1;
      stored.lock = { token, until: this.now() + this.settings.lockDurationMs };
      this.#locks.set(token, seq);
      this.#waiting.add(seq);
      return stored;
    }
  }

  /** Apply a settlement; false when the lock was lost (expired, or the message was settled). */
  settle(token: string, settlement: Settlement): boolean {
    const stored = this.#locked(token);
    if (!stored) return false;
    this.#locks.delete(token);
    stored.lock = undefined;
    this.#waiting.delete(stored.seq);
    if (settlement.kind === 'complete') {
      this.#messages.delete(stored.seq);
    } else if (settlement.kind === 'deadLetter') {
      this.#deadLetter(stored, settlement.reason, settlement.description, settlement.properties);
    } else {
      if (settlement.properties) stored.message.application_properties = { ...stored.message.application_properties, ...settlement.properties };
      this.#makeAvailable(stored);
    }
    return true;
  }

  /** Extend a lock by the lock duration; undefined when the lock was lost. */
  renew(token: string): number | undefined {
    const stored = this.#locked(token);
    if (!stored?.lock) return undefined;
    stored.lock.until = this.now() + this.settings.lockDurationMs;
    return stored.lock.until;
  }

  /** Messages from a sequence number on, locked and scheduled ones included (as Service Bus peeks). */
  peek(fromSeq: number, count: number): StoredMessage[] {
    this.releaseDue();
    const out: StoredMessage[] = [];
    for (const stored of this.#messages.values()) {
      if (out.length >= count) break;
      if (stored.seq >= fromSeq) out.push(stored);
    }
    return out;
  }

  get depth(): number {
    return this.#messages.size;
  }

  /** Whether a lock or a schedule may come due: the broker polls such queues. */
  get hasTimedWork(): boolean {
    return this.#waiting.size > 0;
  }

  all(): StoredMessage[] {
    return [...this.#messages.values()];
  }

  #locked(token: string): StoredMessage | undefined {
    const seq = this.#locks.get(token);
    const stored = seq === undefined ? undefined : this.#messages.get(seq);
    // Service Bus refuses to settle on an expired lock even if nobody else took the message.
    if (!stored?.lock || stored.lock.token !== token || stored.lock.until <= this.now()) return undefined;
    return stored;
  }

  /** Move due scheduled messages and expired locks back to the ready heap. */
  releaseDue(): void {
    const now = this.now();
    for (const seq of this.#waiting) {
      const stored = this.#messages.get(seq);
      if (!stored) {
        this.#waiting.delete(seq);
      } else if (stored.lock && stored.lock.until <= now) {
        this.#locks.delete(stored.lock.token);
        stored.lock = undefined;
        this.#makeAvailable(stored);
      } else if (!stored.lock && stored.visibleAt <= now) {
        this.#waiting.delete(seq);
        this.#ready.push(seq);
      }
    }
  }

  #makeAvailable(stored: StoredMessage): void {
    this.#waiting.delete(stored.seq);
    if (this.deadLetterQueue && stored.deliveries >= this.settings.maxDeliveryCount) {
      this.#deadLetter(stored, 'MaxDeliveryCountExceeded', `Message could not be consumed after ${stored.deliveries} delivery attempts.`);
    } else {
      this.#ready.push(stored.seq);
    }
  }

  #deadLetter(stored: StoredMessage, reason: string, description: string, properties?: Record<string, unknown>): void {
    this.#messages.delete(stored.seq);
    if (stored.lock) this.#locks.delete(stored.lock.token);
    const message: Message = {
      ...stored.message,
      application_properties: { ...stored.message.application_properties, ...properties, DeadLetterReason: reason, DeadLetterErrorDescription: description },
      message_annotations: { ...stored.message.message_annotations, 'x-opt-deadletter-source': this.name },
    };
    this.deadLetterQueue?.enqueue(message, undefined, stored.deliveries);
  }

  /** The window is from the first send; entries are in first-seen order, so prune from the front. */
  #pruneSeen(now: number): void {
    for (const [id, at] of this.#seen) {
      if (now - at < this.settings.duplicateWindowMs) return;
      this.#seen.delete(id);
    }
  }
}
