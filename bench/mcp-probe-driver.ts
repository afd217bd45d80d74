/**
 * A driver module for the MCP bench: it hears the answers to tool calls and tells the bench, in
 * the same process, which call was answered (through `finished`, from whichever thread runs it).
 */
import { probeSignal } from './probe-signal.js';

/** Heard by the bench in any thread (the embedded host runs this driver in a processor thread). */
export const finished = probeSignal('vextir-bench-mcp');

export default function createMcpProbeDriver() {
  return {
    manifest: { id: 'bench_mcp_probe', name: 'Bench MCP probe', version: '1.0.0', type: 'tool', capabilities: ['tool.result', 'tool.error'], external: false },
    async handle(event: { type: string; causationid?: string }): Promise<void> {
      finished.emit('answer', { causationid: event.causationid, type: event.type });
    },
  };
}
