/**
 * The embedded host's CacheGeneration: one counter in shared memory that the HTTP thread and
 * every processor thread read and advance. A policy set changed by PUT /api/policies (in the
 * HTTP thread) is committed, then the counter moves; a processor thread compares its cached set's
 * generation with the counter before each use (one atomic load), so an event accepted after the
 * change's response is authorized under the new set, with no message to wait for.
 */
import type { CacheGeneration } from '../../../kernel/index.js';

/** Over `buffer` (a processor thread gets its host's), or a new one (the host's own). */
export function sharedCacheGeneration(buffer: SharedArrayBuffer = new SharedArrayBuffer(4)): CacheGeneration & { buffer: SharedArrayBuffer } {
  const counter = new Int32Array(buffer, 0, 1);
  return {
    buffer,
    current: () => Atomics.load(counter, 0),
    // Wrapping past 2^31 is harmless: entries are compared for equality, not order.
    advance: () => void Atomics.add(counter, 0, 1),
  };
}
