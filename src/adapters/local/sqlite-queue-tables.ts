/**
 * The queue's tables and SQL, prepared once per database. Every method is synchronous and runs
 * inside the caller's transaction (better-sqlite3 transactions cannot span an `await`); every
 * value is a bound parameter. See the schema in database.ts for what the columns mean.
 */
import { randomUUID } from 'node:crypto';
import { deliveryKey, type Envelope, KernelError } from '../../kernel/index.js';
import type { SqliteDatabase } from './database.js';

export interface LeasedRow {
  message_id: string;
  body: string;
  enqueued_at: number;
  delivery_count: number;
  lock_token: string;
}

export interface DeadLetterRow {
  message_id: string;
  body: string;
  reason: string;
  description: string;
  delivery_count: number;
  dead_lettered_at: string;
}

export interface QueueLimits {
  lockMs: number;
  maxDeliveryCount: number;
  dedupeWindowMs: number;
  /**
   * Starts every lock token this connection hands out (`<owner>/<uuid>`), so the leases of a
   * consumer known to be dead can be found and released (`releaseOwnedBy`). Empty: no owner.
   */
  lockOwner: string;
}

/** How a leased message is acknowledged. */
export type Acknowledgement =
  | { kind: 'delete' }
  | { kind: 'unlock'; visibleAt: number }
  | { kind: 'dead_letter'; reason: string; description: string; at: string };

const DEAD_LETTER_COLUMNS = 'message_id, body, reason, description, delivery_count, enqueued_at, dead_lettered_at';
/** Keys deleted per prune statement, so one prune never holds the write lock for long. */
const PRUNE_BATCH = 5000;

export class SqliteQueueTables {
  readonly #limits: QueueLimits;
  // A key counts as new when absent or seen `dedupeWindowMs` or more ago (then its window restarts).
  readonly #markSeen;
  // DO NOTHING: a key whose window expired while its message is still queued adds no second copy.
  readonly #insert;
  readonly #ready;
  readonly #lease;
  readonly #deadLetterRow;
  readonly #deleteRow;
  readonly #deleteLeased;
  readonly #deadLetterLeased;
  readonly #unlockLeased;
  readonly #releaseLeased;
  readonly #releaseAll;
  readonly #releaseOwned;
  readonly #pruneSeen;
  readonly #latestDeadLetter;
  readonly #deleteDeadLetter;
  readonly earliestVisibleAt;
  readonly depth;
  readonly deadLetters;

  constructor(db: SqliteDatabase, limits: QueueLimits) {
    this.#limits = limits;
    this.#markSeen = db.prepare<[messageId: string, now: number, expiredAtOrBefore: number]>(
      `INSERT INTO bus_seen (message_id, seen_at) VALUES (?, ?)
       ON CONFLICT (message_id) DO UPDATE SET seen_at = excluded.seen_at WHERE bus_seen.seen_at <= ?`,
    );
    this.#insert = db.prepare<[messageId: string, body: string, enqueuedAt: number, visibleAt: number]>(
      `INSERT INTO bus_messages (message_id, body, enqueued_at, visible_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (message_id) DO NOTHING`,
    );
    this.#ready = db.prepare<[now: number, limit: number], { seq: number; delivery_count: number }>(
      'SELECT seq, delivery_count FROM bus_messages WHERE visible_at <= ? ORDER BY visible_at, seq LIMIT ?',
    );
    // One statement for a batch: each row's token is the batch's followed by its seq.
    this.#lease = db.prepare<[visibleAt: number, token: string, seqs: string], LeasedRow & { seq: number }>(
      `UPDATE bus_messages SET delivery_count = delivery_count + 1, visible_at = ?, lock_token = ? || '.' || seq
       WHERE seq IN (SELECT value FROM json_each(?)) RETURNING seq, message_id, body, enqueued_at, delivery_count, lock_token`,
    );
    this.#deadLetterRow = db.prepare<[reason: string, description: string, at: string, seq: number]>(
      `INSERT INTO dead_letters (${DEAD_LETTER_COLUMNS})
       SELECT message_id, body, ?, ?, delivery_count, enqueued_at, ? FROM bus_messages WHERE seq = ?`,
    );
    this.#deleteRow = db.prepare<[seq: number]>('DELETE FROM bus_messages WHERE seq = ?');
    this.#deleteLeased = db.prepare<[messageId: string, token: string]>('DELETE FROM bus_messages WHERE message_id = ? AND lock_token = ?');
    this.#deadLetterLeased = db.prepare<[reason: string, description: string, at: string, messageId: string, token: string]>(
      `INSERT INTO dead_letters (${DEAD_LETTER_COLUMNS})
       SELECT message_id, body, ?, ?, delivery_count, enqueued_at, ? FROM bus_messages WHERE message_id = ? AND lock_token = ?`,
    );
    this.#unlockLeased = db.prepare<[visibleAt: number, messageId: string, token: string]>(
      'UPDATE bus_messages SET lock_token = NULL, visible_at = ? WHERE message_id = ? AND lock_token = ?',
    );
    this.#releaseLeased = db.prepare<[now: number, messageId: string, token: string]>(
      `UPDATE bus_messages SET lock_token = NULL, visible_at = ?, delivery_count = MAX(0, delivery_count - 1)
       WHERE message_id = ? AND lock_token = ?`,
    );
    this.#releaseAll = db.prepare<[now: number]>(
      'UPDATE bus_messages SET lock_token = NULL, visible_at = MIN(visible_at, ?) WHERE lock_token IS NOT NULL',
    );
    // A range rather than LIKE: no escaping; '0' is the character after '/'.
    this.#releaseOwned = db.prepare<[now: number, from: string, to: string]>(
      'UPDATE bus_messages SET lock_token = NULL, visible_at = MIN(visible_at, ?) WHERE lock_token >= ? AND lock_token < ?',
    );
    this.#pruneSeen = db.prepare<[expiredAtOrBefore: number]>(
      `DELETE FROM bus_seen WHERE message_id IN (SELECT message_id FROM bus_seen WHERE seen_at <= ? LIMIT ${PRUNE_BATCH})`,
    );
    this.#latestDeadLetter = db.prepare<[messageId: string], { seq: number; body: string }>(
      'SELECT seq, body FROM dead_letters WHERE message_id = ? ORDER BY seq DESC LIMIT 1',
    );
    this.#deleteDeadLetter = db.prepare<[seq: number]>('DELETE FROM dead_letters WHERE seq = ?');
    this.earliestVisibleAt = db.prepare<[], number>('SELECT visible_at FROM bus_messages ORDER BY visible_at LIMIT 1').pluck();
    this.depth = db.prepare<[], number>('SELECT COUNT(*) FROM bus_messages').pluck();
    this.deadLetters = db.prepare<[limit: number], DeadLetterRow>(`SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters ORDER BY seq DESC LIMIT ?`);
  }

  /**
   * Enqueue unless the event's delivery key was seen within the window: the event is serialized
   * now, and written when the returned function runs (inside the caller's transaction).
   */
  prepareEnqueue(event: Envelope, visibleAt: number, now: number, release?: string): () => void {
    const messageId = deliveryKey(event.userid, event.id, release);
    const body = JSON.stringify(event);
    return () => {
      if (this.#markSeen.run(messageId, now, now - this.#limits.dedupeWindowMs).changes === 0) return;
      this.#insert.run(messageId, body, now, visibleAt);
    };
  }

  /**
   * Lease up to `max` visible messages, oldest visible first. Leasing pushes `visible_at` to the
   * lock expiry, so an expired lock makes the message deliverable again with no extra work.
   * Messages that already reached the delivery limit are dead-lettered instead.
   */
  lease(max: number, at: Date): LeasedRow[] {
    const now = at.getTime();
    const lockedUntil = now + this.#limits.lockMs;
    const leased: LeasedRow[] = [];
    for (;;) {
      let deadLettered = false;
      const take: number[] = [];
      for (const row of this.#ready.all(now, max - leased.length)) {
        if (row.delivery_count >= this.#limits.maxDeliveryCount) {
          // It kept coming back without being settled (a crash each time): stop trying.
          const description = `not settled after ${row.delivery_count} deliveries`;
          this.#deadLetterRow.run('max_delivery_count_exceeded', description, at.toISOString(), row.seq);
          this.#deleteRow.run(row.seq);
          deadLettered = true;
          continue;
        }
        take.push(row.seq);
      }
      if (take.length > 0) {
        const token = this.#limits.lockOwner === '' ? randomUUID() : `${this.#limits.lockOwner}/${randomUUID()}`;
        const bySeq = new Map(this.#lease.all(lockedUntil, token, JSON.stringify(take)).map((row) => [row.seq, row]));
        // RETURNING follows no promised order: oldest visible first, as selected.
        for (const seq of take) {
          const row = bySeq.get(seq);
          if (row) leased.push({ message_id: row.message_id, body: row.body, enqueued_at: row.enqueued_at, delivery_count: row.delivery_count, lock_token: row.lock_token });
        }
      }
      // Dead letters freed places in this batch: look again; otherwise nothing more is ready.
      if (!deadLettered || leased.length >= max) return leased;
    }
  }

  /** Acknowledge a leased message. False when `token` no longer holds the lease. */
  acknowledge(messageId: string, token: string, how: Acknowledgement): boolean {
    switch (how.kind) {
      case 'delete':
        return this.#deleteLeased.run(messageId, token).changes > 0;
      case 'unlock':
        return this.#unlockLeased.run(how.visibleAt, messageId, token).changes > 0;
      case 'dead_letter':
        if (this.#deadLetterLeased.run(how.reason, how.description, how.at, messageId, token).changes === 0) return false;
        this.#deleteLeased.run(messageId, token);
        return true;
    }
  }

  /** Give a lease back without counting the delivery; a lost lease is left alone. */
  release(messageId: string, token: string, now: number): void {
    this.#releaseLeased.run(now, messageId, token);
  }

  /** Unlock every leased message, keeping delivery counts; returns how many. */
  releaseAll(now: number): number {
    return this.#releaseAll.run(now).changes;
  }

  /** Unlock the messages leased under `owner`'s tokens, keeping delivery counts; returns how many. */
  releaseOwnedBy(owner: string, now: number): number {
    return this.#releaseOwned.run(now, `${owner}/`, `${owner}0`).changes;
  }

  replay(messageId: string, now: number): void {
    const letter = this.#latestDeadLetter.get(messageId);
    if (!letter) throw new KernelError('not_found', `no dead letter with message id ${messageId}`);
    if (this.#insert.run(messageId, letter.body, now, now).changes === 0) {
      throw new KernelError('conflict', `message ${messageId} is already on the queue`);
    }
    this.#deleteDeadLetter.run(letter.seq);
  }

  /** Delete one batch of expired delivery keys; returns how many, so the caller knows to go on. */
  pruneSeenBatch(now: number): { deleted: number; more: boolean } {
    const deleted = this.#pruneSeen.run(now - this.#limits.dedupeWindowMs).changes;
    return { deleted, more: deleted === PRUNE_BATCH };
  }
}
