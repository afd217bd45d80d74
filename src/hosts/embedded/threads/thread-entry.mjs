// The first module of a processor thread: it imports processor-thread.js (or, run from the
// TypeScript sources, processor-thread.ts after registering tsx's loader, which the thread does
// not inherit from a test runner's own transform). Plain JavaScript because Node itself loads it.
import { workerData } from 'node:worker_threads';

const { entry } = workerData;
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
