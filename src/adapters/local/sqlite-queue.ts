/**
 * The embedded default's durable queue, with Service Bus semantics (and the in-memory queue's):
 * duplicate detection on the delivery key, peek-lock with expiry, delivery count, scheduled
 * delivery, dead-lettering. It shares the database file with the event store, so `settle`
 * emits, records, audits and acknowledges in one transaction (a throttled event's re-publication
 * included).
 */
import { type Clock, type DeadLetter, type DeadLetterQueue, type Delivery, type Envelope, type EventBus, KernelError, type Outcome, type PublishOptions, type QueueConsumer } from '../../kernel/index.js';
import { WorkSignal } from '../work-signal.js';
import { guard, type SqliteDatabase } from './database.js';
import type { GroupCommit } from './group-commit.js';
import type { SqliteAuditLog } from './sqlite-audit-log.js';
import type { SqliteEventStore } from './sqlite-event-store.js';
import { SqliteQueueTables } from './sqlite-queue-tables.js';
import { acknowledgement, lockOwner, lockTokenOf, notifyQuietly, parseBody, positive } from './sqlite-queue-values.js';

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
  /**
   * Names the consumer leasing through this queue (a processor thread): its lock tokens start
   * with it, so another connection can release its leases once it is known to be dead. No
   * `/` in it. Default: none.
   */
  lockOwner?: string;
  /**
   * Told after a commit that may have made messages deliverable (a publish, a settle that
   * emitted, a release): consumers on other connections wait on their own queue object and
   * learn of it only through this.
   */
  onEnqueued?: () => void;
}

/** A lease: the token proves, at settle time, that the lock was not lost to another receiver. */
export interface SqliteDelivery extends Delivery {
  readonly lockToken: string;
}

export const DEFAULT_DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;

export class SqliteQueue implements EventBus, QueueConsumer, DeadLetterQueue {
  readonly #db: SqliteDatabase;
  readonly #commits: GroupCommit;
  readonly #tables: SqliteQueueTables;
  readonly #clock: Clock;
  readonly #store: SqliteEventStore;
  readonly #audit: SqliteAuditLog;
  readonly #signal = new WorkSignal();
  readonly #pruneEveryMs: number;
  readonly #onEnqueued: (() => void) | undefined;
  #lastPrune: number;
  #receiveFailed = false;

  /** `commits`, `store` and `audit` must be on `db`: settle writes all of them in one transaction. */
  constructor(
    db: SqliteDatabase,
    commits: GroupCommit,
    targets: { store: SqliteEventStore; audit: SqliteAuditLog },
    options: SqliteQueueOptions,
  ) {
    this.#db = db;
    this.#commits = commits;
    this.#tables = new SqliteQueueTables(db, {
      lockMs: positive('lockMs', options.lockMs ?? 60_000),
      maxDeliveryCount: positive('maxDeliveryCount', options.maxDeliveryCount ?? 10),
      dedupeWindowMs: positive('dedupeWindowMs', options.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS),
      lockOwner: lockOwner(options.lockOwner),
    });
    this.#onEnqueued = options.onEnqueued;
    this.#clock = options.clock;
    this.#store = targets.store;
    this.#audit = targets.audit;
    this.#pruneEveryMs = positive('pruneEveryMs', options.pruneEveryMs ?? 60_000);
    this.#lastPrune = this.#clock.now().getTime();
  }

  async publish(events: readonly Envelope[], options: PublishOptions = {}): Promise<void> {
    if (events.length === 0) return;
    const now = this.#clock.now().getTime();
    if (now - this.#lastPrune >= this.#pruneEveryMs) this.pruneSeen(now);
    const visibleAt = options.notBefore?.getTime() ?? now;
    // Serialized before the transaction, which then holds the write lock for the statements only.
    const writes = events.map((event) => this.#tables.prepareEnqueue(event, visibleAt, now, options.release));
    await this.#commits.run(() => {
      for (const write of writes) write();
    });
    this.#enqueued();
  }

  async receive(max: number): Promise<SqliteDelivery[]> {
    if (max <= 0) return [];
    const now = this.#clock.now();
    try {
      // Leasing is a write too: it joins the group commit rather than paying for its own.
      const rows = await this.#commits.run(() => this.#tables.lease(max, now));
      this.#receiveFailed = false;
      return rows.map((row) => ({
        messageId: row.message_id,
        body: parseBody(row.body),
        deliveryCount: row.delivery_count,
        enqueuedAt: new Date(row.enqueued_at),
        lockToken: row.lock_token,
      }));
    } catch (error) {
      this.#receiveFailed = true;
      throw error;
    }
  }

  /**
   * Emit, record, audit and acknowledge in one transaction. Throws `conflict`, changing nothing,
   * when the lock was lost: the message was leased again, settled or dead-lettered meanwhile.
   * A lock that expired but was not taken over is still honoured.
   */
  async settle(delivery: Delivery, outcome: Outcome): Promise<void> {
    const token = lockTokenOf(delivery);
    const at = this.#clock.now();
    const writeOutcome = outcome.kind === 'skip' || outcome.kind === 'poison' ? undefined : this.#prepareOutcome(outcome, at);
    await this.#commits.run(() => {
      if (!this.#tables.acknowledge(delivery.messageId, token, acknowledgement(outcome, at))) {
        // Throwing rolls the savepoint back: the new lease holder's settle is the one that counts.
        throw new KernelError('conflict', `the lock on message ${delivery.messageId} was lost; the outcome was not applied`);
      }
      writeOutcome?.();
    });
    if (writeOutcome) {
      this.#store.notifyChanged();
      this.#enqueued();
    }
  }

  /**
   * An outcome's emissions, record and audit entries, serialized now and written when the
   * returned function runs in the settle's transaction: the file's write lock, which every
   * thread's connection waits for, is held for the statements only. The audit entries are
   * chained in there: their hashes depend on the chain's head at that moment.
   */
  #prepareOutcome(outcome: Exclude<Outcome, { kind: 'skip' | 'poison' }>, at: Date): () => void {
    const now = at.getTime();
    const messages = outcome.emissions.map((emission) => this.#tables.prepareEnqueue(emission.event, emission.notBefore?.getTime() ?? now, now));
    if (outcome.kind === 'delay') {
      // A throttled event's next round, in the same transaction as the record that says so.
      const { event, notBefore, release } = outcome.republish;
      messages.push(this.#tables.prepareEnqueue(event, notBefore.getTime(), now, release));
    }
    const saveRecord = this.#store.prepareSave(outcome.record);
    const audit = outcome.related ? [outcome.audit, ...outcome.related] : [outcome.audit];
    return () => {
      for (const enqueue of messages) enqueue();
      saveRecord();
      this.#audit.appendInTransaction(audit);
    };
  }

  async release(delivery: Delivery): Promise<void> {
    const now = this.#clock.now().getTime();
    this.#commits.exclusive(() => this.#tables.release(delivery.messageId, lockTokenOf(delivery), now));
    this.#enqueued();
  }

  async abandon(delivery: Delivery, delayMs: number): Promise<void> {
    const visibleAt = this.#clock.now().getTime() + Math.max(0, delayMs);
    this.#commits.exclusive(() => this.#tables.acknowledge(delivery.messageId, lockTokenOf(delivery), { kind: 'unlock', visibleAt }));
    // A waiter may be sleeping until a later instant than this message's new one.
    this.#enqueued();
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
        const next = this.#tables.earliestVisibleAt.get();
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
    return guard(this.#db, () => this.#tables.depth.get()) ?? 0;
  }

  /**
   * Unlock every leased message, keeping its delivery count. Only for a host that has made sure
   * it is the only one on this database: the leases it releases belonged to a process that died.
   * Returns how many messages were unlocked.
   */
  releaseExpiredAndOrphanedLocks(): number {
    const unlocked = this.#commits.exclusive(() => this.#tables.releaseAll(this.#clock.now().getTime()));
    if (unlocked > 0) this.#enqueued();
    return unlocked;
  }

  /**
   * Unlock the messages leased by the consumer named `owner` (its `lockOwner`), keeping their
   * delivery counts, as a crash would. Only once that consumer is known to be dead (its thread
   * exited): a live one would find its leases gone. Returns how many messages were unlocked.
   */
  releaseLeasesOf(owner: string): number {
    const unlocked = this.#commits.exclusive(() => this.#tables.releaseOwnedBy(lockOwner(owner), this.#clock.now().getTime()));
    if (unlocked > 0) this.#enqueued();
    return unlocked;
  }

  /** Another connection made messages deliverable: wake a consumer waiting on this one. */
  wake(): void {
    this.#signal.notify();
  }

  /** Newest first. */
  listDeadLetters(limit: number): DeadLetter[] {
    return guard(this.#db, () => this.#tables.deadLetters.all(limit)).map((row) => ({
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
    this.#commits.exclusive(() => this.#tables.replay(messageId, this.#clock.now().getTime()));
    this.#enqueued();
  }

  /** DeadLetterQueue: `listDeadLetters`, for the admin API. */
  async list(limit: number): Promise<DeadLetter[]> {
    return this.listDeadLetters(limit);
  }

  /** DeadLetterQueue: `replayDeadLetter`, for the admin API. */
  async replay(messageId: string): Promise<void> {
    this.replayDeadLetter(messageId);
  }

  #enqueued(): void {
    this.#signal.notify();
    notifyQuietly(this.#onEnqueued);
  }

  /** Delete delivery keys older than the duplicate-detection window; `publish` calls it periodically. */
  pruneSeen(now = this.#clock.now().getTime()): number {
    this.#lastPrune = now;
    let deleted = 0;
    for (;;) {
      const batch = this.#commits.exclusive(() => this.#tables.pruneSeenBatch(now));
      deleted += batch.deleted;
      if (!batch.more) return deleted;
    }
  }
}
