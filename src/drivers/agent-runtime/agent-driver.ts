/**
 * An agent as a driver: its capabilities start runs, and the replies addressed to it (the
 * models driver's answers, tool results, the kernel's denials and approval notices) continue
 * them. The driver itself never sends data out: the models driver and the tools do, as events.
 */
import type { Driver } from '../../kernel/index.js';
import { defineDriver } from '../define-driver.js';
import type { RunAgent } from './run-state.js';
import type { AgentRuntime } from './runtime.js';

export interface AgentSpec {
  id: string;
  name: string;
  description?: string;
  /** Event types that start a run. */
  capabilities: string[];
  systemPrompt: string;
  /** Where the conversation id is in the trigger's data (a dotted path); undefined: runs do not continue a conversation. */
  conversationPath?: string;
  run: RunAgent;
}

export function createAgentDriver(spec: AgentSpec, runtime: AgentRuntime): Driver {
  return defineDriver({
    manifest: {
      id: spec.id,
      name: spec.name,
      version: '1.0.0',
      type: 'agent',
      ...(spec.description !== undefined && { description: spec.description }),
      capabilities: spec.capabilities,
      external: false,
      // A step's own work is reading and writing its run; the model's time is the models driver's.
      resources: { timeout: '30s', maxConcurrency: 64 },
    },
    async handle(event) {
      if (event.recipient === spec.id) return runtime.resume(event);
      const conversationId = conversationOf(event.data, spec.conversationPath);
      return runtime.start({ driver: spec.id, agent: spec.run, systemPrompt: spec.systemPrompt, trigger: event, ...(conversationId !== undefined && { conversationId }) });
    },
  });
}

/** The conversation id at `path` in the trigger's data, when it is a usable string. */
export function conversationOf(data: unknown, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  let value: unknown = data;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return typeof value === 'string' && value.length > 0 && value.length <= 256 ? value : undefined;
}
