/**
 * Copies the WAL back into the database file from a worker thread, so the event loop's commits
 * never do it. With SQLite's auto-checkpoint, the commit that crossed the threshold ran the
 * checkpoint itself: under load that stalled the event loop for 20-40 ms every few commits,
 * which was most of the embedded pipeline's p99 latency (measured: 33 ms -> 16 ms at 1,000
 * events/s with this thread).
 *
 * PASSIVE checkpoints never block the writer; the WAL restarts from its beginning once a
 * checkpoint has caught up. If the thread fails, auto-checkpointing is switched back on, so the
 * WAL never grows without bound.
 */
import { Worker } from 'node:worker_threads';
import { CLOSED, CLOSED_FLAG, OPEN, RUN_FLAG, STOPPING } from './checkpoint-protocol.mjs';
import type { SqliteDatabase } from './database.js';

export interface CheckpointerOptions {
  /** Between checkpoints. */
  intervalMs?: number;
  /** The WAL size, in pages, at which the connection checkpoints by itself if the thread is gone. */
  fallbackAutocheckpointPages: number;
  /** Told about checkpoint failures and a thread that stopped. */
  onProblem: (message: string) => void;
}

/** How long `stop` waits for the thread to close its connection. */
const STOP_TIMEOUT_MS = 5000;

export class BackgroundCheckpointer {
  readonly #worker: Worker;
  readonly #flags: Int32Array;
  #stopped = false;

  /** Starts the thread and hands it the checkpointing of `db`'s file. */
  constructor(db: SqliteDatabase, options: CheckpointerOptions) {
    const state = new SharedArrayBuffer(8);
    this.#flags = new Int32Array(state);
    const workerData = { file: db.name, intervalMs: options.intervalMs ?? 100, state };
    this.#worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), { workerData });
    // Not a reason to keep the process alive: closing the storage stops it.
    this.#worker.unref();
    const fallBack = (why: string): void => {
      if (this.#stopped) return;
      this.#stopped = true;
      if (db.open) db.pragma(`wal_autocheckpoint = ${options.fallbackAutocheckpointPages}`);
      options.onProblem(`the checkpoint thread stopped (${why}); the database checkpoints on commit again`);
    };
    this.#worker.on('message', (message: { kind: string; message: string }) => options.onProblem(`a background checkpoint failed: ${message.message}`));
    this.#worker.on('error', (error) => fallBack(error.message));
    this.#worker.on('exit', (code) => fallBack(`exit code ${code}`));
    db.pragma('wal_autocheckpoint = 0');
  }

  /** Stops the thread and waits (synchronously, bounded) until its connection is closed. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    Atomics.store(this.#flags, RUN_FLAG, STOPPING);
    Atomics.notify(this.#flags, RUN_FLAG);
    Atomics.wait(this.#flags, CLOSED_FLAG, OPEN, STOP_TIMEOUT_MS);
    if (Atomics.load(this.#flags, CLOSED_FLAG) !== CLOSED) void this.#worker.terminate();
  }
}
