/**
 * The event bus ports. Production: Azure Service Bus. Embedded default: a SQLite queue.
 * Tests: the in-memory queue. One contract suite runs against every adapter.
 */
import type { Envelope } from '../envelope.js';
import type { Outcome } from '../processor/outcome.js';

export interface PublishOptions {
  /** Deliver no earlier than this instant (scheduled delivery). */
  notBefore?: Date;
  /**
   * Deliver events that were published before once more, on purpose (an approval released a
   * parked event). The release name joins the duplicate-detection key, so the first
   * publication does not drop this one, while a retried release is still dropped.
   */
  release?: string;
  signal?: AbortSignal;
}

/** The producer side. */
export interface EventBus {
  /**
   * Durably enqueue events. Idempotent per (userid, id): an event already enqueued within the
   * duplicate-detection window is dropped silently, which is what makes re-emission safe.
   */
  publish(events: readonly Envelope[], options?: PublishOptions): Promise<void>;
}

/** One message leased from the queue (peek-lock). */
export interface Delivery {
  /** The bus's own message id (the delivery key of the event). */
  readonly messageId: string;
  /** The raw body: the processor parses it, it is not trusted. */
  readonly body: unknown;
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  readonly enqueuedAt: Date;
}

/**
 * The consumer side, used by the embedded worker (the Functions host plays this role on Azure).
 * `settle` applies a processing outcome and acknowledges the message; adapters that can
 * (SQLite, memory) do both in one transaction.
 */
export interface QueueConsumer {
  /** Lease up to `max` visible messages. Returns an empty array when there are none. */
  receive(max: number): Promise<Delivery[]>;
  settle(delivery: Delivery, outcome: Outcome): Promise<void>;
  /** Give a message back untouched, not counting this delivery (e.g. on shutdown). */
  release(delivery: Delivery): Promise<void>;
  /** Make a message visible again after `delayMs`, counting this delivery (processing could not finish). */
  abandon(delivery: Delivery, delayMs: number): Promise<void>;
  /** Resolves when work may be available (a publish, a scheduled message coming due) or after `maxWaitMs`. */
  waitForWork(maxWaitMs: number, signal?: AbortSignal): Promise<void>;
  /** Messages waiting to be delivered (visible or scheduled). */
  depth(): Promise<number>;
}

/** A message the bus gave up on: the body could not be processed within the delivery limit. */
export interface DeadLetter {
  messageId: string;
  body: unknown;
  reason: string;
  description: string;
  deliveryCount: number;
  deadLetteredAt: string;
}

/**
 * The operator's view of the dead letters (admin API, `vextir dlq`). Listing leaves them in
 * place; the order is the adapter's (embedded: newest first; Service Bus: oldest first, as it peeks).
 */
export interface DeadLetterQueue {
  /** At most `limit` dead letters. */
  list(limit: number): Promise<DeadLetter[]>;
  /**
   * Put the message back on the main queue for a fresh round of deliveries (attempts count from
   * 1 again) and remove it from the dead letters. `not_found` when no dead letter has this id;
   * `conflict` when it cannot be taken now (the message is queued already, or another receiver
   * holds the dead letter).
   */
  replay(messageId: string): Promise<void>;
}
