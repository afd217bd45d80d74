/**
 * A driver module for the plans bench: it answers plan steps (`bench.step`), plays the baseline
 * without the engine (a relay chain, a fan-out joined by counting), and tells the bench, in the
 * same process, when a plan or a baseline finished (through `finished`, which reaches the bench
 * from whichever thread runs the driver).
 */
import { probeSignal } from './probe-signal.js';

/** Heard by the bench in any thread (the embedded host runs this driver in a processor thread). */
export const finished = probeSignal('vextir-bench-plans');

interface BenchEvent {
  type: string;
  data?: unknown;
}

const joined = new Map<string, number>();

export default function createPlanProbeDriver() {
  return {
    manifest: {
      id: 'bench_plans',
      name: 'Bench plans',
      version: '1.0.0',
      type: 'tool',
      capabilities: ['bench.step', 'bench.relay', 'bench.fan', 'bench.leaf', 'bench.leaf.done', 'plan.completed', 'plan.failed'],
      external: false,
      resources: { timeout: '30s', maxConcurrency: 256 },
    },
    handle(event: BenchEvent): Promise<BenchEvent[]> {
      const data = (event.data ?? {}) as { n?: number; of?: number; run?: string; plan?: string; status?: string };
      switch (event.type) {
        case 'bench.step':
          return Promise.resolve([{ type: 'bench.step.done', data: { n: data.n ?? 0 } }]);
        case 'bench.relay': {
          const n = data.n ?? 0;
          if (n + 1 >= (data.of ?? 0)) finished.emit('baseline', data.run);
          return Promise.resolve(n + 1 >= (data.of ?? 0) ? [] : [{ type: 'bench.relay', data: { ...data, n: n + 1 } }]);
        }
        case 'bench.fan':
          return Promise.resolve(Array.from({ length: data.of ?? 0 }, (_, n) => ({ type: 'bench.leaf', data: { run: data.run, of: data.of, n } })));
        case 'bench.leaf':
          return Promise.resolve([{ type: 'bench.leaf.done', data: { run: data.run, of: data.of } }]);
        case 'bench.leaf.done': {
          const count = (joined.get(data.run ?? '') ?? 0) + 1;
          joined.set(data.run ?? '', count);
          if (count === data.of) finished.emit('baseline', data.run);
          return Promise.resolve([]);
        }
        default:
          finished.emit('plan', data.plan, event.type);
          return Promise.resolve([]);
      }
    },
  };
}
