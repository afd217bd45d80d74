/**
 * A write lock shared, through shared memory, by the connections that the threads of one process
 * hold to one SQLite file. SQLite serializes writers by itself, but a writer that finds the file
 * locked sleeps in its busy handler in steps of 1, 2, 5, 10... ms and polls again: with a
 * processor thread and the HTTP thread committing hundreds of times a second, those sleeps left
 * the process idle much of the time (one run under full load: 59% of one core busy and 680
 * events/s, against 86% and 1,180 events/s with this lock). Here a writer waits for the holder's
 * release instead, woken the moment it comes, and a group commit waits without blocking its
 * thread (`whenFree`), so HTTP requests are served, and join the batch, meanwhile.
 *
 * Correctness never rests on this lock: every write transaction is still BEGIN IMMEDIATE, so a
 * writer that proceeds without it (after a timeout, or a process that does not share it) is
 * serialized by SQLite as before. It only decides who goes next without sleeping.
 */
import { KernelError } from '../../kernel/index.js';

const FREE = 0;
/** The cell holding the holder's id (FREE when none), and the one counting waiters. */
const HOLDER = 0;
const WAITERS = 1;

/** Atomics.waitAsync is in Node 16+ but not in the ES2023 library types this project compiles with. */
type WaitAsync = (cell: Int32Array, index: number, value: number, timeoutMs?: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

export class WriteLock {
  /** Bytes of shared memory a lock needs. */
  static readonly BYTES = 8;
  readonly buffer: SharedArrayBuffer;
  readonly #cell: Int32Array;
  /** What this holder writes into the cell: a stopped holder's lock can then be cleared by its id. */
  readonly #id: number;

  /** `id`: positive, different for every connection sharing `buffer`. */
  constructor(id: number, buffer: SharedArrayBuffer = new SharedArrayBuffer(WriteLock.BYTES)) {
    if (!Number.isInteger(id) || id <= 0) throw new KernelError('invalid_input', `a write lock holder id must be a positive integer, got ${id}`);
    this.buffer = buffer;
    this.#cell = new Int32Array(buffer, 0, 2);
    this.#id = id;
  }

  tryAcquire(): boolean {
    return Atomics.compareExchange(this.#cell, HOLDER, FREE, this.#id) === FREE;
  }

  /** Blocks this thread until the lock is held, or `timeoutMs` passed (false: go on under SQLite's own locking). */
  acquire(timeoutMs: number): boolean {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.tryAcquire()) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      // Counted before the holder is read: a release after that read sees the waiter and wakes it;
      // one before it changed the cell, and the wait returns at once.
      Atomics.add(this.#cell, WAITERS, 1);
      const holder = Atomics.load(this.#cell, HOLDER);
      if (holder !== FREE) Atomics.wait(this.#cell, HOLDER, holder, left);
      Atomics.sub(this.#cell, WAITERS, 1);
    }
  }

  /** Resolves once the lock was seen free (someone else may take it first: try again), or after `timeoutMs`. */
  async whenFree(timeoutMs: number): Promise<void> {
    Atomics.add(this.#cell, WAITERS, 1);
    // A pending waitAsync does not keep Node's event loop alive; this timer does (and bounds the wait).
    let timer: NodeJS.Timeout | undefined;
    try {
      const holder = Atomics.load(this.#cell, HOLDER);
      if (holder === FREE) return;
      const result = waitAsync(this.#cell, HOLDER, holder, timeoutMs);
      if (!result.async) return;
      await Promise.race([result.value, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    } finally {
      clearTimeout(timer);
      Atomics.sub(this.#cell, WAITERS, 1);
    }
  }

  /** Releases the lock if this holder has it. */
  release(): void {
    releaseIfHeld(this.#cell, this.#id);
  }

  /** Clears the lock of holder `id` (a thread that exited holding it); true if it held it. */
  static releaseHeldBy(buffer: SharedArrayBuffer, id: number): boolean {
    return releaseIfHeld(new Int32Array(buffer, 0, 2), id);
  }
}

/** Waking costs more than the commit it follows (it signals every waiting thread), so only when someone waits. */
function releaseIfHeld(cell: Int32Array, id: number): boolean {
  if (Atomics.compareExchange(cell, HOLDER, id, FREE) !== id) return false;
  if (Atomics.load(cell, WAITERS) > 0) Atomics.notify(cell, HOLDER);
  return true;
}
