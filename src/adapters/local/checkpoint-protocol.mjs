// What the background checkpointer (checkpointer.ts) and its thread (checkpoint-worker.mjs) share:
// two Int32 flags in a SharedArrayBuffer. Plain JavaScript because the thread's module is, too.

/** Index of the flag the owner sets: RUNNING, then STOPPING. */
export const RUN_FLAG = 0;
/** Index of the flag the thread sets: OPEN, then CLOSED once its connection is closed. */
export const CLOSED_FLAG = 1;

export const RUNNING = 0;
export const STOPPING = 1;
export const OPEN = 0;
export const CLOSED = 1;
