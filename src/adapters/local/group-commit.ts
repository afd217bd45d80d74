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
 */
import { guard, translateSqliteError, type SqliteDatabase } from './database.js';

interface PendingWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Result = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupCommit {
  readonly #db: SqliteDatabase;
  readonly #inSavepoint: (work: () => unknown) => unknown;
  readonly #commitBatch: (batch: readonly PendingWrite[]) => Result[];
  readonly #commitAll: (batch: readonly PendingWrite[]) => unknown[];
  #pending: PendingWrite[] = [];
  #scheduled: NodeJS.Immediate | undefined;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    // Called inside the batch's transaction, better-sqlite3 runs a nested transaction as a savepoint.
    this.#inSavepoint = db.transaction((work: () => unknown) => work());
    // eslint-disable-next-line @typescript-eslint/unbound-method -- better-sqlite3 binds a transaction's variants (.immediate) to it
    this.#commitBatch = db.transaction((batch: readonly PendingWrite[]): Result[] =>
      batch.map((write): Result => {
        try {
          return { ok: true, value: guard(db, () => this.#inSavepoint(write.work)) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    ).immediate;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- better-sqlite3 binds a transaction's variants (.immediate) to it
    this.#commitAll = db.transaction((batch: readonly PendingWrite[]): unknown[] => batch.map((write) => write.work())).immediate;
  }

  /**
   * Run `work` (synchronous statements only) in the next group transaction; resolves with its
   * result once committed, rejects with a KernelError if it or the commit failed.
   */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // setImmediate, not a microtask: writes from every callback of this loop turn join in.
      this.#scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Commit what is pending now (also called before the database is closed). */
  flush(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    let results: Result[];
    try {
      results = guard(this.#db, () => this.#commitAll(batch)).map((value): Result => ({ ok: true, value }));
    } catch {
      results = this.#commitIsolated(batch);
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
