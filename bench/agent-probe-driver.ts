/**
 * A driver module for the agents bench: it listens for the bench agent's answers and tells the
 * bench, in the same process, which run finished (the module is loaded once, so the bench and
 * the driver share `finished`).
 */
import { EventEmitter } from 'node:events';

export const finished = new EventEmitter();

export default function createAgentProbeDriver() {
  return {
    manifest: { id: 'bench_probe', name: 'Bench probe', version: '1.0.0', type: 'tool', capabilities: ['bench.ask.response', 'bench.ask.error'], external: false },
    async handle(event: { type: string; causationid?: string; data?: unknown }): Promise<void> {
      const { runId } = (event.data ?? {}) as { runId?: string };
      finished.emit('run', { runId, failed: event.type === 'bench.ask.error', data: event.data });
    },
  };
}
