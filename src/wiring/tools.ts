/**
 * The tools and agents every deployment has: the native tools, the agent catalog over them, the
 * agent runtime, and a driver per built-in or project agent plus the host of users' own agents.
 */
import type { Config } from '../config.js';
import { AgentRuntime, ConversationStore, createAgentDriver, createUserAgentsDriver, RunStore, userAgentRoutes, type RunAgent } from '../drivers/agent-runtime/index.js';
import { contextTools } from '../drivers/context/index.js';
import type { ProjectFile } from '../drivers/index.js';
import type { CacheGeneration, Clock, Driver, DynamicRoutes, Logger, StateStore } from '../kernel/index.js';
import { createAgentCatalog, type AgentCatalog } from '../registries/agents/index.js';
import { AUTO_MODEL, selectModels, type ModelCapability, type ModelRegistry } from '../registries/models/index.js';
import { createToolRegistry, emitEventTool, type ToolDefinition, type ToolRegistry } from '../registries/tools/index.js';

/** The native tools: the Context Hub's (answered by the context driver) and emit_event. */
export function nativeTools(): ToolDefinition[] {
  return [...contextTools(), emitEventTool()];
}

export interface AgentSystem {
  tools: ToolRegistry;
  agents: AgentCatalog;
  runs: RunStore;
  /** A driver per enabled built-in or project agent, and the host of users' own agents. */
  drivers: Driver[];
  /** Sends events to the users' own agents. */
  routes: DynamicRoutes;
  /** A driver of its own for an agent definition (a skill pack's: its events are then the pack's). Validates it first. */
  compileAgent(definition: unknown, pointer?: string): Driver;
}

export interface AgentSystemPorts {
  state: StateStore;
  clock: Clock;
  logger: Logger;
  models: ModelRegistry;
  /** Ids of every registered driver (asked later, once the registry exists): user agents may not take them. */
  driverIds(): Iterable<string>;
  /** Shared by the host's threads: see AgentCatalogDeps.generation. */
  cacheGeneration?: CacheGeneration;
}

/** Throws on a bad project agent. */
export function createAgentSystem(config: Config, project: ProjectFile, ports: AgentSystemPorts): AgentSystem {
  const tools = createToolRegistry(nativeTools());
  const agents = createAgentCatalog({
    state: ports.state,
    clock: ports.clock,
    logger: ports.logger,
    tools,
    projectAgents: project.agents,
    projectFile: config.configFile,
    driverIds: () => ports.driverIds(),
    cacheMs: config.agents.cacheMs,
    ...(ports.cacheGeneration !== undefined && { generation: ports.cacheGeneration }),
  });
  const runs = new RunStore(ports.state);
  const runtime = new AgentRuntime({
    runs,
    conversations: new ConversationStore(ports.state),
    tools,
    contextWindow: (agent) => contextWindowFor(ports.models, agent),
    now: () => ports.clock.now(),
  });
  const shared = agents.shared().filter((entry) => entry.definition.enabled).map((entry) => createAgentDriver(entry.definition, runtime));
  return {
    tools,
    agents,
    runs,
    drivers: [...shared, createUserAgentsDriver(agents, runtime)],
    routes: userAgentRoutes(agents),
    compileAgent: (definition, pointer) => createAgentDriver(agents.parse(definition, pointer), runtime),
  };
}

/** When no model can be found to ask: a window every current chat model has. */
const FALLBACK_WINDOW = 128_000;

/**
 * The tokens a run's requests may take: its model's window, or with `auto` the smallest window
 * among the models that could be chosen, so the history fits whichever answers.
 */
export function contextWindowFor(models: ModelRegistry, agent: RunAgent): number {
  if (agent.model !== AUTO_MODEL) return models.get(agent.model)?.contextWindow ?? FALLBACK_WINDOW;
  const capabilities = new Set<ModelCapability>(['chat', ...((agent.requires?.capabilities ?? []) as ModelCapability[])]);
  if (agent.tools.length > 0) capabilities.add('tools');
  if (agent.outputSchema !== undefined) capabilities.add('json');
  const selection = selectModels(models, { capabilities: [...capabilities], minContextTokens: agent.requires?.minContextTokens });
  return selection.ok ? Math.min(...selection.candidates.map((model) => model.contextWindow)) : FALLBACK_WINDOW;
}
