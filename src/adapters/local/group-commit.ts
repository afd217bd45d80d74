/**
 * Group commit: writes requested in the same turn of the event loop (concurrent settles, ingest
 * requests, ...) share one SQLite transaction, each in its own savepoint. A commit costs far more
 * than the statements in it (WAL frames, checkpoints), so this is what lets the embedded pipeline
 * keep up with thousands of events per second. Each caller's promise settles only after the
 * commit that made its write durable; a failing write rolls back its own savepoint only.
 *
 * Savepoints cost two statements per write, and writes almost never fail; so a batch first
 * commits without them, and only if a write throws is it rolled back and redone with one
 * savepoint per write. That is safe because a write is SQL only (no effect outside the
 * database), so running it again after a rollback is running it once.
 *
 * With a WriteLock (other threads write to the same file), a batch that finds the lock held waits
 * for it without blocking the thread, and the writes requested meanwhile join the batch.
 */
import { guard, translateSqliteError, type SqliteDatabase } from './database.js';
import type { WriteLock } from './write-lock.js';

interface PendingWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Result = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface GroupCommitOptions {
  /** Shared with the other connections of this process to the file (see write-lock.ts). */
  lock?: WriteLock;
  /** How long to wait for the lock before committing under SQLite's own locking alone. */
  lockTimeoutMs?: number;
}

export class GroupCommit {
  readonly #db: SqliteDatabase;
  readonly #inSavepoint: (work: () => unknown) => unknown;
  readonly #commitBatch: (batch: readonly PendingWrite[]) => Result[];
  readonly #commitAll: (batch: readonly PendingWrite[]) => unknown[];
  readonly #lock: WriteLock | undefined;
  readonly #lockTimeoutMs: number;
  #pending: PendingWrite[] = [];
  #scheduled: NodeJS.Immediate | undefined;
  /** Since when the pending batch waits for the lock (undefined: it does not). */
  #waitingSince: number | undefined;
  #transaction = 0;

  constructor(db: SqliteDatabase, options: GroupCommitOptions = {}) {
    this.#db = db;
    this.#lock = options.lock;
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 5000;
    // Called inside the batch's transaction, better-sqlite3 runs a nested transaction as a savepoint.
    this.#inSavepoint = db.transaction((work: () => unknown) => work());
    // eslint-disable-next-line @typescript-eslint/unbound-method -- better-sqlite3 binds a transaction's variants (.immediate) to it
    this.#commitBatch = db.transaction((batch: readonly PendingWrite[]): Result[] => {
      this.#transaction += 1;
      return batch.map((write): Result => {
        try {
          return { ok: true, value: guard(db, () => this.#inSavepoint(write.work)) };
        } catch (error) {
          // Its savepoint was rolled back: what the writes before it saw may no longer be so.
          this.#transaction += 1;
          return { ok: false, error };
        }
      });
    }).immediate;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- better-sqlite3 binds a transaction's variants (.immediate) to it
    this.#commitAll = db.transaction((batch: readonly PendingWrite[]): unknown[] => {
      this.#transaction += 1;
      return batch.map((write) => write.work());
    }).immediate;
  }

  /**
   * Changes whenever a transaction begins and whenever part of one is rolled back: something a
   * write learned from the database earlier in the same transaction holds while this is unchanged
   * (no other connection writes while this one holds the write lock).
   */
  get transaction(): number {
    return this.#transaction;
  }

  /**
   * Run `work` (synchronous statements only) in the next group transaction; resolves with its
   * result once committed, rejects with a KernelError if it or the commit failed.
   */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // setImmediate, not a microtask: writes from every callback of this loop turn join in.
      // A batch waiting for the lock is committed when the lock comes free.
      if (this.#waitingSince === undefined) this.#scheduled ??= setImmediate(() => this.#flushWhenUnlocked());
    });
  }

  /** Commit what is pending now, waiting for the lock if need be (also called before the database is closed). */
  flush(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    this.#waitingSince = undefined;
    if (this.#pending.length === 0) return;
    const locked = this.#lock?.acquire(this.#lockTimeoutMs) ?? false;
    this.#commitPending(locked);
  }

  /**
   * Run `work` in a transaction of its own at once, outside the batch, under the lock: for the
   * few synchronous writes (releasing leases, pruning, replaying a dead letter). IMMEDIATE takes
   * the file's write lock up front, so a read-then-write never fails to upgrade.
   */
  exclusive<T>(work: () => T): T {
    const locked = this.#lock?.acquire(this.#lockTimeoutMs) ?? false;
    try {
      return guard(this.#db, () =>
        this.#db
          .transaction(() => {
            this.#transaction += 1;
            return work();
          })
          .immediate(),
      );
    } finally {
      if (locked) this.#lock?.release();
    }
  }

  #flushWhenUnlocked(): void {
    this.#scheduled = undefined;
    if (this.#pending.length === 0) return;
    const lock = this.#lock;
    if (lock === undefined) return this.#commitPending(false);
    if (lock.tryAcquire()) {
      this.#waitingSince = undefined;
      return this.#commitPending(true);
    }
    const now = Date.now();
    this.#waitingSince ??= now;
    const left = this.#waitingSince + this.#lockTimeoutMs - now;
    if (left <= 0) {
      // The holder keeps it (or died with it): SQLite's busy handler decides from here.
      this.#waitingSince = undefined;
      return this.#commitPending(false);
    }
    void lock.whenFree(left).then(() => {
      if (this.#waitingSince !== undefined) this.#flushWhenUnlocked();
    });
  }

  #commitPending(locked: boolean): void {
    const batch = this.#pending;
    this.#pending = [];
    let results: Result[];
    try {
      try {
        results = guard(this.#db, () => this.#commitAll(batch)).map((value): Result => ({ ok: true, value }));
      } catch {
        results = this.#commitIsolated(batch);
      }
    } finally {
      if (locked) this.#lock?.release();
    }
    results.forEach((result, index) => {
      const write = batch[index];
      if (result.ok) write?.resolve(result.value);
      else write?.reject(result.error);
    });
  }

  /** The slow path: one savepoint per write, so only the writes that fail are rolled back. */
  #commitIsolated(batch: readonly PendingWrite[]): Result[] {
    try {
      return guard(this.#db, () => this.#commitBatch(batch));
    } catch (error) {
      // BEGIN or COMMIT failed: nothing in this batch is durable.
      const failure = translateSqliteError(error, 'group commit failed');
      return batch.map((): Result => ({ ok: false, error: failure }));
    }
  }
}
