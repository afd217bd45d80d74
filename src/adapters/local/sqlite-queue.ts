/**
 * The embedded default's durable queue, with Service Bus semantics (and the in-memory queue's):
 * duplicate detection on the delivery key, peek-lock with expiry, delivery count, scheduled
 * delivery, dead-lettering. It shares the database file with the event store, so `settle`
 * emits, records, audits and acknowledges in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Envelope } from '../../kernel/envelope.js';
import { KernelError } from '../../kernel/errors.js';
import { deliveryKey } from '../../kernel/ids.js';
import type { DeadLetter, Delivery, EventBus, PublishOptions, QueueConsumer } from '../../kernel/ports/bus.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Outcome } from '../../kernel/processor/outcome.js';
import { WorkSignal } from '../work-signal.js';
import { guard, type SqliteDatabase } from './database.js';
import type { GroupCommit } from './group-commit.js';
import type { SqliteAuditLog } from './sqlite-audit-log.js';
import type { SqliteEventStore } from './sqlite-event-store.js';
import { SqliteQueueStatements, type LeasedRow } from './sqlite-queue-statements.js';

export interface SqliteQueueOptions {
  clock: Clock;
  /** How long a received message stays invisible to other receivers. */
  lockMs?: number;
  /** Deliveries after which a message that keeps coming back unsettled is dead-lettered. */
  maxDeliveryCount?: number;
  /** How long a delivery key is remembered for duplicate detection (Service Bus: up to 7 days). */
  dedupeWindowMs?: number;
  /** How often expired duplicate-detection keys are deleted (they stop counting at once regardless). */
  pruneEveryMs?: number;
}

/** A lease: the token proves, at settle time, that the lock was not lost to another receiver. */
export interface SqliteDelivery extends Delivery {
  readonly lockToken: string;
}

export const DEFAULT_DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;

export class SqliteQueue implements EventBus, QueueConsumer {
  readonly #db: SqliteDatabase;
  readonly #commits: GroupCommit;
  readonly #sql: SqliteQueueStatements;
  readonly #clock: Clock;
  readonly #store: SqliteEventStore;
  readonly #audit: SqliteAuditLog;
  readonly #signal = new WorkSignal();
  readonly #lockMs: number;
  readonly #maxDeliveryCount: number;
  readonly #windowMs: number;
  readonly #pruneEveryMs: number;
  readonly #lease: (max: number, at: Date) => LeasedRow[];
  readonly #replay: (messageId: string, now: number) => void;
  #lastPrune: number;
  #receiveFailed = false;

  /** `targets` and `commits` must be on the same database: settle writes them in its transaction. */
  constructor(
    db: SqliteDatabase,
    commits: GroupCommit,
    targets: { store: SqliteEventStore; audit: SqliteAuditLog },
    options: SqliteQueueOptions,
  ) {
    this.#db = db;
    this.#commits = commits;
    this.#sql = new SqliteQueueStatements(db);
    this.#clock = options.clock;
    this.#store = targets.store;
    this.#audit = targets.audit;
    this.#lockMs = positive('lockMs', options.lockMs ?? 60_000);
    this.#maxDeliveryCount = positive('maxDeliveryCount', options.maxDeliveryCount ?? 10);
    this.#windowMs = positive('dedupeWindowMs', options.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS);
    this.#pruneEveryMs = positive('pruneEveryMs', options.pruneEveryMs ?? 60_000);
    this.#lastPrune = this.#clock.now().getTime();
    // Built once: creating a transaction function per call costs more than the statements it runs.
    // IMMEDIATE takes the write lock up front, so a read-then-write never fails to upgrade.
    this.#lease = db.transaction(this.#leaseTx.bind(this)).immediate;
    this.#replay = db.transaction(this.#replayTx.bind(this)).immediate;
  }

  async publish(events: readonly Envelope[], options: PublishOptions = {}): Promise<void> {
    if (events.length === 0) return;
    const now = this.#clock.now().getTime();
    this.#maybePrune(now);
    const visibleAt = options.notBefore?.getTime() ?? now;
    await this.#commits.run(() => this.#publishTx(events, visibleAt, now));
    this.#signal.notify();
  }

  async receive(max: number): Promise<SqliteDelivery[]> {
    if (max <= 0) return [];
    let rows: LeasedRow[];
    try {
      rows = guard(this.#db, () => this.#lease(max, this.#clock.now()));
      this.#receiveFailed = false;
    } catch (error) {
      this.#receiveFailed = true;
      throw error;
    }
    return rows.map((row) => ({
      messageId: row.message_id,
      body: parseBody(row.body),
      deliveryCount: row.delivery_count,
      enqueuedAt: new Date(row.enqueued_at),
      lockToken: row.lock_token,
    }));
  }

  /**
   * Apply an outcome and acknowledge the message in one transaction. Throws `conflict` (and
   * changes nothing) when the lock was lost: the message was leased again, settled or dead-lettered.
   * A lock that expired but was not taken over is still honoured.
   */
  async settle(delivery: Delivery, outcome: Outcome): Promise<void> {
    const token = lockTokenOf(delivery);
    await this.#commits.run(() => this.#settleTx(delivery.messageId, token, outcome, this.#clock.now()));
    if (outcome.kind === 'complete' || outcome.kind === 'retry') {
      this.#store.notifyChanged();
      this.#signal.notify();
    }
  }

  async release(delivery: Delivery): Promise<void> {
    const now = this.#clock.now().getTime();
    guard(this.#db, () => this.#sql.release.run(now, delivery.messageId, lockTokenOf(delivery)));
    this.#signal.notify();
  }

  async abandon(delivery: Delivery, delayMs: number): Promise<void> {
    const visibleAt = this.#clock.now().getTime() + Math.max(0, delayMs);
    guard(this.#db, () => this.#sql.unlock.run(visibleAt, delivery.messageId, lockTokenOf(delivery)));
    // A waiter may be sleeping until a later instant than this message's new one.
    this.#signal.notify();
  }

  /**
   * Resolves on a publish in this process, when the earliest scheduled or locked message comes
   * due, at `maxWaitMs`, or on abort. Never rejects: the worker's idle loop does not expect it to.
   */
  async waitForWork(maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    let waitMs = maxWaitMs;
    // After a failed receive, sleep the full time: returning at once would spin on a broken database.
    if (!this.#receiveFailed && this.#db.open) {
      try {
        const next = this.#sql.earliest.get();
        if (next !== undefined) {
          const dueIn = next - this.#clock.now().getTime();
          if (dueIn <= 0) return;
          // +1: timers may fire a little early relative to the wall clock.
          waitMs = Math.min(waitMs, dueIn + 1);
        }
      } catch {
        // Fall back to the plain wait; the next receive reports the database error.
      }
    }
    return this.#signal.wait(waitMs, signal);
  }

  /** Messages waiting: visible, scheduled or locked. */
  async depth(): Promise<number> {
    return guard(this.#db, () => this.#sql.depth.get()) ?? 0;
  }

  /**
   * Unlock every leased message, keeping its delivery count. Only for a host that has made sure
   * it is the only one on this database: the leases it releases belonged to a process that died.
   * Returns how many messages were unlocked.
   */
  releaseExpiredAndOrphanedLocks(): number {
    const changes = guard(this.#db, () => this.#sql.releaseAll.run(this.#clock.now().getTime()).changes);
    if (changes > 0) this.#signal.notify();
    return changes;
  }

  /** Newest first. */
  listDeadLetters(limit: number): DeadLetter[] {
    return guard(this.#db, () => this.#sql.deadLetters.all(limit)).map((row) => ({
      messageId: row.message_id,
      body: parseBody(row.body),
      reason: row.reason,
      description: row.description,
      deliveryCount: row.delivery_count,
      deadLetteredAt: row.dead_lettered_at,
    }));
  }

  /**
   * Put the latest dead letter with this message id back on the queue, visible now, with a fresh
   * delivery count. `not_found` if there is none, `conflict` if the message is queued already.
   */
  replayDeadLetter(messageId: string): void {
    guard(this.#db, () => this.#replay(messageId, this.#clock.now().getTime()));
    this.#signal.notify();
  }

  /** Delete delivery keys older than the duplicate-detection window, in batches. */
  pruneSeen(now = this.#clock.now().getTime()): number {
    this.#lastPrune = now;
    let deleted = 0;
    for (;;) {
      const batch = guard(this.#db, () => this.#sql.pruneSeen.run(now - this.#windowMs).changes);
      deleted += batch;
      if (batch < SqliteQueueStatements.PRUNE_BATCH) return deleted;
    }
  }

  #maybePrune(now: number): void {
    if (now - this.#lastPrune >= this.#pruneEveryMs) this.pruneSeen(now);
  }

  /** Enqueue unless the delivery key was seen within the window. Runs inside a transaction. */
  #enqueue(event: Envelope, visibleAt: number, now: number): void {
    const messageId = deliveryKey(event.userid, event.id);
    if (this.#sql.markSeen.run(messageId, now, now - this.#windowMs).changes === 0) return;
    this.#sql.insert.run(messageId, JSON.stringify(event), now, visibleAt);
  }

  #publishTx(events: readonly Envelope[], visibleAt: number, now: number): void {
    for (const event of events) this.#enqueue(event, visibleAt, now);
  }

  #leaseTx(max: number, at: Date): LeasedRow[] {
      const now = at.getTime();
      const lockedUntil = now + this.#lockMs;
      const leased: LeasedRow[] = [];
      for (;;) {
        const rows = this.#sql.ready.all(now, max - leased.length);
        let deadLettered = false;
        for (const row of rows) {
          if (row.delivery_count >= this.#maxDeliveryCount) {
            // It kept coming back without being settled (a crash each time): stop trying.
            const description = `not settled after ${row.delivery_count} deliveries`;
            this.#sql.deadLetterRow.run('max_delivery_count_exceeded', description, at.toISOString(), row.seq);
            this.#sql.deleteRow.run(row.seq);
            deadLettered = true;
            continue;
          }
          const lockToken = randomUUID();
          const count = this.#sql.lease.get(lockedUntil, lockedUntil, lockToken, row.seq) ?? row.delivery_count + 1;
          leased.push({ ...row, delivery_count: count, lock_token: lockToken });
        }
        // Dead letters freed places in this batch: look again; otherwise nothing more is ready.
        if (!deadLettered || leased.length >= max) return leased;
      }
  }

  #settleTx(messageId: string, token: string, outcome: Outcome, at: Date): void {
      const now = at.getTime();
      let acknowledged: number;
      if (outcome.kind === 'retry') {
        acknowledged = this.#sql.unlock.run(now + outcome.retryAfterMs, messageId, token).changes;
      } else if (outcome.kind === 'poison') {
        acknowledged = this.#sql.deadLetterLeased.run(outcome.reason, outcome.description, at.toISOString(), messageId, token).changes;
        this.#sql.deleteLeased.run(messageId, token);
      } else {
        acknowledged = this.#sql.deleteLeased.run(messageId, token).changes;
      }
      if (acknowledged === 0) {
        // Throwing rolls the transaction back: the new lease holder's settle is the one that counts.
        throw new KernelError('conflict', `the lock on message ${messageId} was lost; the outcome was not applied`);
      }
      if (outcome.kind === 'complete' || outcome.kind === 'retry') {
        for (const emission of outcome.emissions) this.#enqueue(emission.event, emission.notBefore?.getTime() ?? now, now);
        this.#store.saveInTransaction(outcome.record);
        this.#audit.appendInTransaction([outcome.audit]);
      }
  }

  #replayTx(messageId: string, now: number): void {
      const letter = this.#sql.latestDeadLetter.get(messageId);
      if (!letter) throw new KernelError('not_found', `no dead letter with message id ${messageId}`);
      if (this.#sql.insert.run(messageId, letter.body, now, now).changes === 0) {
        throw new KernelError('conflict', `message ${messageId} is already on the queue`);
      }
      this.#sql.deleteDeadLetter.run(letter.seq);
  }
}

/** The token this queue gave the delivery; an empty one matches no lease (a foreign delivery). */
function lockTokenOf(delivery: Delivery): string {
  return 'lockToken' in delivery && typeof delivery.lockToken === 'string' ? delivery.lockToken : '';
}

/** Bodies are untrusted: an unreadable one is passed on as text for the processor to reject. */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new KernelError('invalid_input', `${name} must be a positive number, got ${value}`);
  return value;
}
