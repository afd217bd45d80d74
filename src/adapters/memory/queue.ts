/**
 * In-memory queue with the same semantics as the SQLite and Service Bus ones: duplicate
 * detection on the delivery key, peek-lock with expiry, delivery count, scheduled delivery,
 * dead-lettering. Not durable: for unit tests and the kernel benchmark.
 */
import { applyOutcome, type AuditLog, type Clock, type DeadLetter, type DeadLetterQueue, type Delivery, deliveryKey, type Envelope, type EventBus, type EventStore, KernelError, type Outcome, type PublishOptions, type QueueConsumer } from '../../kernel/index.js';
import { WorkSignal } from '../work-signal.js';

interface Message {
  messageId: string;
  body: unknown;
  visibleAt: number;
  deliveryCount: number;
  lockedUntil: number;
  enqueuedAt: Date;
}

export interface MemoryQueueOptions {
  clock: Clock;
  lockMs?: number;
  /** Deliveries after which a message that keeps coming back unsettled is dead-lettered. */
  maxDeliveryCount?: number;
}

export class MemoryQueue implements EventBus, QueueConsumer, DeadLetterQueue {
  /** Oldest first. */
  readonly deadLetters: DeadLetter[] = [];
  readonly #messages = new Map<string, Message>();
  readonly #seen = new Set<string>();
  readonly #signal = new WorkSignal();
  readonly #lockMs: number;
  readonly #maxDeliveryCount: number;
  #targets: { store: EventStore; audit: AuditLog } | undefined;

  constructor(private readonly options: MemoryQueueOptions) {
    this.#lockMs = options.lockMs ?? 60_000;
    this.#maxDeliveryCount = options.maxDeliveryCount ?? 10;
  }

  /** Where `settle` writes records and audit entries. */
  bindStore(store: EventStore, audit: AuditLog): void {
    this.#targets = { store, audit };
  }

  async publish(events: readonly Envelope[], options: PublishOptions = {}): Promise<void> {
    const now = this.options.clock.now();
    for (const event of events) {
      const messageId = deliveryKey(event.userid, event.id, options.release);
      if (this.#seen.has(messageId)) continue;
      this.#seen.add(messageId);
      const visibleAt = options.notBefore?.getTime() ?? now.getTime();
      this.#messages.set(messageId, { messageId, body: structuredClone(event), visibleAt, deliveryCount: 0, lockedUntil: 0, enqueuedAt: now });
    }
    this.#signal.notify();
  }

  async receive(max: number): Promise<Delivery[]> {
    const now = this.options.clock.now().getTime();
    const out: Delivery[] = [];
    for (const message of this.#messages.values()) {
      if (out.length >= max) break;
      if (message.visibleAt > now || message.lockedUntil > now) continue;
      if (message.deliveryCount >= this.#maxDeliveryCount) {
        this.#deadLetter(message, 'max_delivery_count_exceeded', `not settled after ${message.deliveryCount} deliveries`);
        continue;
      }
      message.deliveryCount += 1;
      message.lockedUntil = now + this.#lockMs;
      out.push({ messageId: message.messageId, body: message.body, deliveryCount: message.deliveryCount, enqueuedAt: message.enqueuedAt });
    }
    return out;
  }

  async settle(delivery: Delivery, outcome: Outcome): Promise<void> {
    const message = this.#messages.get(delivery.messageId);
    if (outcome.kind !== 'skip' && outcome.kind !== 'poison') {
      if (!this.#targets) throw new Error('MemoryQueue.settle needs bindStore() first');
      await applyOutcome(outcome, { bus: this, ...this.#targets });
    }
    if (!message) return;
    if (outcome.kind === 'retry') {
      message.lockedUntil = 0;
      message.visibleAt = this.options.clock.now().getTime() + outcome.retryAfterMs;
    } else if (outcome.kind === 'poison') {
      this.#deadLetter(message, outcome.reason, outcome.description);
    } else {
      this.#messages.delete(delivery.messageId);
    }
  }

  async release(delivery: Delivery): Promise<void> {
    const message = this.#messages.get(delivery.messageId);
    if (!message) return;
    message.lockedUntil = 0;
    message.deliveryCount = Math.max(0, message.deliveryCount - 1);
    this.#signal.notify();
  }

  async abandon(delivery: Delivery, delayMs: number): Promise<void> {
    const message = this.#messages.get(delivery.messageId);
    if (!message) return;
    message.lockedUntil = 0;
    message.visibleAt = this.options.clock.now().getTime() + delayMs;
  }

  waitForWork(maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    return this.#signal.wait(maxWaitMs, signal);
  }

  async depth(): Promise<number> {
    return this.#messages.size;
  }

  /** Newest first, as the SQLite queue lists them. */
  async list(limit: number): Promise<DeadLetter[]> {
    return [...this.deadLetters].reverse().slice(0, Math.max(0, limit));
  }

  /** The latest dead letter with this id goes back on the queue, visible now, with a fresh delivery count. */
  async replay(messageId: string): Promise<void> {
    const index = this.deadLetters.findLastIndex((letter) => letter.messageId === messageId);
    const letter = this.deadLetters[index];
    if (!letter) throw new KernelError('not_found', `no dead letter with message id ${messageId}`);
    if (this.#messages.has(messageId)) throw new KernelError('conflict', `message ${messageId} is already on the queue`);
    this.deadLetters.splice(index, 1);
    const now = this.options.clock.now();
    this.#messages.set(messageId, { messageId, body: letter.body, visibleAt: now.getTime(), deliveryCount: 0, lockedUntil: 0, enqueuedAt: now });
    this.#signal.notify();
  }

  #deadLetter(message: Message, reason: string, description: string): void {
    this.#messages.delete(message.messageId);
    this.deadLetters.push({
      messageId: message.messageId,
      body: message.body,
      reason,
      description,
      deliveryCount: message.deliveryCount,
      deadLetteredAt: this.options.clock.now().toISOString(),
    });
  }
}
