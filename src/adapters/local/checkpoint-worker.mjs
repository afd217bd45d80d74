// The background checkpointer's thread (see checkpointer.ts): its own connection to the database
// file, a PASSIVE checkpoint every `intervalMs`, until the owner flips the run flag. It sleeps in
// Atomics.wait rather than on timers, so the owner can stop it, and wait for its connection to
// close, synchronously.
//
// Plain JavaScript: a worker thread's entry module is loaded by Node itself, and under the
// TypeScript loader the tests run with, Node would not load a .ts entry.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { CLOSED, CLOSED_FLAG, RUN_FLAG, RUNNING } from './checkpoint-protocol.mjs';

const { file, intervalMs, state } = workerData;
const flags = new Int32Array(state);

let db;
try {
  db = new Database(file, { timeout: 5000, fileMustExist: true });
  while (Atomics.wait(flags, RUN_FLAG, RUNNING, intervalMs) === 'timed-out') {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      // Busy or a transient I/O error: the next round tries again. The owner logs it.
      parentPort?.postMessage({ kind: 'checkpoint_failed', message: error instanceof Error ? error.message : String(error) });
    }
  }
} finally {
  db?.close();
  Atomics.store(flags, CLOSED_FLAG, CLOSED);
  Atomics.notify(flags, CLOSED_FLAG);
}
