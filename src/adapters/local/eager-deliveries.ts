/**
 * Eager dispatch: the follow-up events a settle emits are written to the queue already leased to
 * this connection's consumer and handed to it from memory, so a chain of events (a ping and its
 * pong, an agent's model call and its answer, a plan's next step) costs no lease transaction per
 * hop and no wait for the consumer to poll. The messages are durable and leased exactly as
 * `receive` leaves them: a crash before they are processed releases or expires their leases like
 * any other, so nothing is lost and nothing is run twice by two consumers.
 *
 * Bounded: at most `limit` are held (leased, not yet received) or being written at once; the rest
 * are enqueued as usual, for any consumer. A held message waits for at most the consumer's
 * in-flight events to make room, far less than its lock.
 */
import type { LeasedRow } from './sqlite-queue-tables.js';
import { parseBody } from './sqlite-queue-values.js';

/** What `receive` hands out; the same shape for a message leased from the table. */
export interface LeasedDelivery {
  readonly messageId: string;
  readonly body: unknown;
  readonly deliveryCount: number;
  readonly enqueuedAt: Date;
  readonly lockToken: string;
}

export function toDelivery(row: LeasedRow): LeasedDelivery {
  return { messageId: row.message_id, body: parseBody(row.body), deliveryCount: row.delivery_count, enqueuedAt: new Date(row.enqueued_at), lockToken: row.lock_token };
}

export class EagerDeliveries {
  readonly #limit: number;
  #held: LeasedDelivery[] = [];
  /** Places promised to settles whose transaction has not ended yet. */
  #reserved = 0;

  /** `limit` 0: no eager dispatch (a connection whose queue nobody consumes). */
  constructor(limit: number) {
    this.#limit = limit;
  }

  get size(): number {
    return this.#held.length;
  }

  /** Claim up to `wanted` places for a settle's emissions; give back what is unused with `settled`. */
  reserve(wanted: number): number {
    const granted = Math.max(0, Math.min(wanted, this.#limit - this.#held.length - this.#reserved));
    this.#reserved += granted;
    return granted;
  }

  /** The settle that reserved `reserved` places ended; `rows` are what its commit leased. */
  settled(reserved: number, rows: readonly LeasedRow[]): void {
    this.#reserved -= reserved;
    for (const row of rows) this.#held.push(toDelivery(row));
  }

  take(max: number): LeasedDelivery[] {
    return this.#held.length <= max ? this.#held.splice(0) : this.#held.splice(0, max);
  }
}
