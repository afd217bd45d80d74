/**
 * A driver module for the agents bench: it listens for the bench agent's answers and tells the
 * bench, in the same process, which run finished (through `finished`, which reaches the bench
 * from whichever thread runs the driver).
 */
import { probeSignal } from './probe-signal.js';

/** Heard by the bench in any thread (the embedded host runs this driver in a processor thread). */
export const finished = probeSignal('vextir-bench-agents');

export default function createAgentProbeDriver() {
  return {
    manifest: { id: 'bench_probe', name: 'Bench probe', version: '1.0.0', type: 'tool', capabilities: ['bench.ask.response', 'bench.ask.error'], external: false },
    async handle(event: { type: string; causationid?: string; data?: unknown }): Promise<void> {
      const { runId } = (event.data ?? {}) as { runId?: string };
      finished.emit('run', { runId, failed: event.type === 'bench.ask.error', data: event.data });
    },
  };
}
