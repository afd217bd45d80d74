/**
 * The embedded host's processor threads, as the host uses them. processor-thread.ts is not
 * exported: it is a thread's entry module (started through thread-entry.mjs), never imported.
 */
export { ProcessorPool, type ProcessorPoolOptions } from './processor-pool.js';
export { sharedCacheGeneration } from './shared-generation.js';
