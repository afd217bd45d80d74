/**
 * Agents as drivers. A definition (src/registries/agents) becomes a driver whose capabilities
 * start runs, and the replies addressed to it (the models driver's answers, tool results, the
 * kernel's denials and approval notices) continue them. The driver itself never sends data out:
 * the models driver and the tools do, as events.
 */
import type { Driver, Envelope } from '../../kernel/index.js';
import { AUTO_MODEL } from '../../registries/models/index.js';
import { agentEventTypes, conversationIdOf, renderAgentInput, type AgentDefinition } from '../../registries/agents/index.js';
import { defineDriver } from '../define-driver.js';
import type { RunAgent } from './run-state.js';
import type { AgentRuntime, RunStart } from './runtime.js';

/** A step's own work is reading and writing its run; the model's time is the models driver's. */
const AGENT_RESOURCES = { timeout: '30s', maxConcurrency: 64 } as const;

/** A built-in or project agent: one driver, its id the definition's. */
export function createAgentDriver(definition: AgentDefinition, runtime: AgentRuntime): Driver {
  return defineDriver({
    manifest: {
      id: definition.id,
      name: definition.name,
      version: definition.version,
      type: 'agent',
      ...(definition.description !== undefined && { description: definition.description }),
      ...(definition.author !== undefined && { author: definition.author }),
      capabilities: definition.capabilities,
      external: false,
      resources: AGENT_RESOURCES,
    },
    async handle(event, context) {
      if (event.recipient === definition.id) return runtime.resume(event, context.trace);
      return runtime.start(runStartOf(definition, definition.id, event));
    },
  });
}

/** What a run of `definition` started by `trigger` needs, its events addressed to `driver`. */
export function runStartOf(definition: AgentDefinition, driver: string, trigger: Envelope): RunStart {
  const conversationId = conversationIdOf(definition, trigger);
  return {
    driver,
    agent: runAgentOf(definition, trigger.type),
    systemPrompt: definition.system_prompt,
    trigger,
    input: renderAgentInput(definition, trigger),
    ...(conversationId !== undefined && { conversationId }),
  };
}

function runAgentOf(definition: AgentDefinition, triggerType: string): RunAgent {
  return {
    id: definition.id,
    model: definition.model ?? AUTO_MODEL,
    ...(definition.requires !== undefined && { requires: definition.requires }),
    tools: definition.tools,
    approvalTools: definition.approval?.tools ?? [],
    maxSteps: definition.max_steps,
    ...(definition.output_schema !== undefined && { outputSchema: definition.output_schema }),
    ...(definition.temperature !== undefined && { temperature: definition.temperature }),
    ...(definition.max_output_tokens !== undefined && { maxOutputTokens: definition.max_output_tokens }),
    emits: agentEventTypes(definition, triggerType),
  };
}

export { AGENT_RESOURCES };
