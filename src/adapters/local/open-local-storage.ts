/**
 * Opens the embedded default's storage: one SQLite file holding the queue, the event records and
 * the audit trail, so the queue's settle can write all three in one transaction; and the state
 * items and the Context Hub, whose writes join the same group commit.
 */
import type { Clock, ContextLimits } from '../../kernel/index.js';
import { BackgroundCheckpointer } from './checkpointer.js';
import { openDatabase, WAL_AUTOCHECKPOINT_PAGES, type SqliteDatabase } from './database.js';
import { GroupCommit } from './group-commit.js';
import { SqliteAuditLog } from './sqlite-audit-log.js';
import { SqliteContextStore } from './sqlite-context-store.js';
import { SqliteEventStore } from './sqlite-event-store.js';
import { SqliteQueue } from './sqlite-queue.js';
import { SqliteStateStore } from './sqlite-state-store.js';
import { WriteLock } from './write-lock.js';

export interface LocalStorageOptions {
  /** The database file; created (with its schema) if missing. */
  file: string;
  synchronous?: 'NORMAL' | 'FULL';
  busyTimeoutMs?: number;
  clock: Clock;
  lockMs?: number;
  maxDeliveryCount?: number;
  dedupeWindowMs?: number;
  /**
   * Shared by every thread's connection to the file (see write-lock.ts): `id` is this
   * connection's, different from every other's sharing `buffer`.
   */
  writeLock?: { id: number; buffer: SharedArrayBuffer };
  /** See SqliteQueueOptions.lockOwner: set by each processor thread. */
  lockOwner?: string;
  /** See SqliteQueueOptions.onEnqueued: the host's wake-up of consumers on other connections. */
  onEnqueued?: () => void;
  /** The Context Hub's limits; DEFAULT_CONTEXT_LIMITS for any not given. */
  contextLimits?: Partial<ContextLimits>;
  /**
   * Checkpoint the WAL from a worker thread (checkpointer.ts) instead of in the commit that
   * fills it; `onProblem` hears of failures. The running host does; tests need not.
   */
  backgroundCheckpoint?: { onProblem: (message: string) => void };
}

export interface LocalStorage {
  db: SqliteDatabase;
  queue: SqliteQueue;
  store: SqliteEventStore;
  audit: SqliteAuditLog;
  /** Policies, grants, approvals, usage counters: writes share the group commit too. */
  state: SqliteStateStore;
  /** The Context Hub's documents, versions and search index. */
  context: SqliteContextStore;
  /** Commit pending writes and close the database. Idempotent; later calls fail with `shutting_down`. */
  close(): void;
}

export function openLocalStorage(options: LocalStorageOptions): LocalStorage {
  const db = openDatabase({
    file: options.file,
    ...(options.synchronous !== undefined && { synchronous: options.synchronous }),
    ...(options.busyTimeoutMs !== undefined && { busyTimeoutMs: options.busyTimeoutMs }),
  });
  let checkpointer: BackgroundCheckpointer | undefined;
  try {
    if (options.backgroundCheckpoint) {
      checkpointer = new BackgroundCheckpointer(db, { fallbackAutocheckpointPages: WAL_AUTOCHECKPOINT_PAGES, onProblem: options.backgroundCheckpoint.onProblem });
    }
    const commits = new GroupCommit(db, {
      ...(options.writeLock !== undefined && { lock: new WriteLock(options.writeLock.id, options.writeLock.buffer) }),
      lockTimeoutMs: options.busyTimeoutMs ?? 5000,
    });
    const store = new SqliteEventStore(db, commits);
    const audit = new SqliteAuditLog(db, commits);
    const state = new SqliteStateStore(db, commits, { clock: options.clock });
    const context = new SqliteContextStore(db, commits, { clock: options.clock, ...(options.contextLimits !== undefined && { limits: options.contextLimits }) });
    const queue = new SqliteQueue(db, commits, { store, audit }, {
      clock: options.clock,
      ...(options.lockMs !== undefined && { lockMs: options.lockMs }),
      ...(options.maxDeliveryCount !== undefined && { maxDeliveryCount: options.maxDeliveryCount }),
      ...(options.dedupeWindowMs !== undefined && { dedupeWindowMs: options.dedupeWindowMs }),
      ...(options.lockOwner !== undefined && { lockOwner: options.lockOwner }),
      ...(options.onEnqueued !== undefined && { onEnqueued: options.onEnqueued }),
    });
    return {
      db,
      queue,
      store,
      audit,
      state,
      context,
      close: () => {
        if (!db.open) return;
        commits.flush(); // writes already requested are committed, not dropped
        // The thread closes its connection first, so this one, the last, checkpoints the WAL away.
        checkpointer?.stop();
        db.close();
      },
    };
  } catch (error) {
    checkpointer?.stop();
    db.close();
    throw error;
  }
}
